public import Foundation
import PostgresNIO
public import ShareModel
public import ShareStore

/// The timers' work: found from stored state, settled one item per transaction. Each
/// settlement checks and sets under row locks, so two nodes settling one item at once change
/// it once: the second waits for the first, then finds it settled.
extension PostgresStore {
    public func unsettledDeliveryCount() async throws -> Int {
        try await select { [self] connection in
            try await connection.rows(
                "SELECT count(*) FROM deliveries WHERE acknowledged_at IS NULL AND dead_lettered_at IS NULL", logger: logger)
                .first?.decode(Int.self) ?? 0
        }
    }

    /// Reads the schema version the database's writers must be of, from the one row of
    /// `log_head`, and throws `StoreError.outdated` when it is not this node's.
    public func probe() async throws {
        let writers = try await select { [self] connection in
            try await connection.rows("SELECT schema_version FROM log_head WHERE id = 1", logger: logger)
                .first?.decode(Int?.self) ?? nil
        }
        if let writers, writers != PostgresSchema.version { throw PostgresSchema.leftBehind(by: writers) }
    }

    public func dueWork(now: Date, maxAttempts: Int, limit: Int) async throws -> DueWork {
        try await read { [self] connection in
            DueWork(expired: try await expired(now: now, limit: limit, on: connection),
                    overdue: try await overdue(now: now, limit: limit, on: connection),
                    exhausted: try await exhausted(now: now, maxAttempts: maxAttempts, limit: limit, on: connection),
                    pastDue: try await pastDue(now: now, limit: limit, on: connection))
        }
    }

    public func settleExpiry(of messageID: UUID, at time: Date, events: [EventRecord], notice: NewMessage?) async throws {
        try await write { [self] connection, append in
            let marked = try await connection.rows("""
                UPDATE messages SET expiry_handled_at = \(time.millis) WHERE id = \(messageID) AND expiry_handled_at IS NULL
                RETURNING audit_index
                """, logger: logger)
            guard let auditIndex = try marked.first?.decode(Int.self) else { return }
            try await connection.rows("""
                UPDATE deliveries SET dead_lettered_at = \(time.millis)
                WHERE message_index = \(auditIndex) AND acknowledged_at IS NULL AND dead_lettered_at IS NULL
                """, logger: logger)
            append.add(events, then: notice)
        }
    }

    public func settleDeadline(of messageID: UUID, at time: Date, notice: NewMessage?) async throws {
        try await write { [self] connection, append in
            let marked = try await connection.rows("""
                UPDATE messages SET deadline_handled_at = \(time.millis) WHERE id = \(messageID) AND deadline_handled_at IS NULL
                RETURNING id
                """, logger: logger)
            guard !marked.isEmpty else { return }
            append.add([], then: notice)
        }
    }

    public func deadLetter(deliveries ids: [UUID], at time: Date, events: [EventRecord], notice: NewMessage?) async throws -> Bool {
        try await settle(ids, marking: "dead_lettered_at", at: time, events: events, notice: notice)
    }

    public func settlePastDue(deliveries ids: [UUID], at time: Date, notice: NewMessage) async throws -> Bool {
        try await settle(ids, marking: "due_handled_at", at: time, events: [], notice: notice)
    }

    /// Sets column `mark` to `time` on the deliveries `ids` if none is acknowledged or has it set
    /// (locking them meanwhile), and appends `events` and `notice`: true. Otherwise changes
    /// nothing: false.
    private func settle(_ ids: [UUID], marking mark: String, at time: Date, events: [EventRecord],
                        notice: NewMessage?) async throws -> Bool {
        try await write { [self] connection, append in
            let open = try await connection.rows("""
                SELECT id FROM deliveries WHERE id = ANY(\(ids)) AND \(unescaped: mark) IS NULL AND acknowledged_at IS NULL
                ORDER BY seq FOR UPDATE
                """, logger: logger)
            guard open.count == Set(ids).count else { return false }
            try await connection.rows("UPDATE deliveries SET \(unescaped: mark) = \(time.millis) WHERE id = ANY(\(ids))", logger: logger)
            append.add(events, then: notice)
            return true
        }
    }

    /// The columns `dueMessage(_:)` reads, from messages `m`.
    private static let messageColumns = "m.id, m.sender, m.type, m.area, m.jws"

    private static func dueMessage(_ row: PostgresRandomAccessRow) throws -> DueMessage? {
        guard let sender = AgencyID(try row[1].decode(String.self)) else { return nil }
        return DueMessage(id: try row[0].decode(UUID.self), sender: sender, type: try row[2].decode(String.self),
                          area: try row[3].decode(String.self), jws: try row[4].decode(Data.self))
    }

    /// Up to `limit` messages whose time in column `due` has come at `now` and whose column
    /// `handled` is not set, earliest first: `messageColumns`, then that time and the audit index.
    private func messages(due: String, unless handled: String, now: Date, limit: Int,
                          on connection: PostgresConnection) async throws -> [PostgresRandomAccessRow] {
        try await connection.rows("""
            SELECT \(unescaped: Self.messageColumns), m.\(unescaped: due), m.audit_index FROM messages m
            WHERE m.\(unescaped: due) IS NOT NULL AND m.\(unescaped: handled) IS NULL AND m.\(unescaped: due) <= \(now.millis)
            ORDER BY m.\(unescaped: due) LIMIT \(limit)
            """, logger: logger).map { $0.makeRandomAccess() }
    }

    private func expired(now: Date, limit: Int, on connection: PostgresConnection) async throws -> [ExpiredMessage] {
        let messages = try await messages(due: "expires_at", unless: "expiry_handled_at", now: now, limit: limit, on: connection)
        let auditIndexes = try messages.map { try $0[6].decode(Int.self) }
        var unacknowledged: [Int: [ExpiredMessage.Unacknowledged]] = [:]
        for row in try await connection.rows("""
            SELECT message_index, id, recipient, attempts, first_delivered_at FROM deliveries
            WHERE message_index = ANY(\(auditIndexes)) AND acknowledged_at IS NULL AND dead_lettered_at IS NULL ORDER BY seq
            """, logger: logger) {
            let (auditIndex, id, recipient, attempts, firstDelivered) = try row.decode((Int, UUID, String, Int, Int?).self)
            guard let recipient = AgencyID(recipient) else { continue }
            unacknowledged[auditIndex, default: []].append(
                .init(deliveryID: id, recipient: recipient, attempts: attempts, delivered: firstDelivered != nil))
        }
        return try messages.compactMap { row in
            try Self.dueMessage(row).map {
                ExpiredMessage(message: $0, expiresAt: Date(millis: try row[5].decode(Int.self)),
                               unacknowledged: unacknowledged[try row[6].decode(Int.self)] ?? [])
            }
        }
    }

    private func overdue(now: Date, limit: Int, on connection: PostgresConnection) async throws -> [OverdueRequest] {
        let requests = try await messages(due: "respond_by", unless: "deadline_handled_at", now: now, limit: limit, on: connection)
        let auditIndexes = try requests.map { try $0[6].decode(Int.self) }
        var recipients: [Int: [AgencyID]] = [:]
        for row in try await connection.rows("""
            SELECT message_index, recipient FROM deliveries WHERE message_index = ANY(\(auditIndexes)) ORDER BY seq
            """, logger: logger) {
            let (auditIndex, recipient) = try row.decode((Int, String).self)
            AgencyID(recipient).map { recipients[auditIndex, default: []].append($0) }
        }
        let ids = try requests.map { try $0[0].decode(UUID.self) }
        var answered: [UUID: [AgencyID]] = [:]
        for row in try await connection.rows("""
            SELECT DISTINCT in_reply_to, sender FROM messages WHERE in_reply_to = ANY(\(ids)) ORDER BY in_reply_to, sender
            """, logger: logger) {
            let (request, sender) = try row.decode((UUID, String).self)
            AgencyID(sender).map { answered[request, default: []].append($0) }
        }
        return try requests.compactMap { row in
            try Self.dueMessage(row).map {
                OverdueRequest(message: $0, respondBy: Date(millis: try row[5].decode(Int.self)),
                               recipients: recipients[try row[6].decode(Int.self)] ?? [], answered: answered[$0.id] ?? [])
            }
        }
    }

    private func pastDue(now: Date, limit: Int, on connection: PostgresConnection) async throws -> [PastDueDelivery] {
        try await connection.rows("""
            SELECT \(unescaped: Self.messageColumns), d.id, d.recipient, d.due_by, d.attempts
            FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE d.due_by IS NOT NULL AND d.due_handled_at IS NULL AND d.acknowledged_at IS NULL AND d.due_by <= \(now.millis)
            ORDER BY d.due_by, d.seq LIMIT \(limit)
            """, logger: logger).compactMap { row in
            let row = row.makeRandomAccess()
            guard let message = try Self.dueMessage(row), let recipient = AgencyID(try row[6].decode(String.self)) else { return nil }
            return PastDueDelivery(id: try row[5].decode(UUID.self), message: message, recipient: recipient,
                                   dueBy: Date(millis: try row[7].decode(Int.self)), attempts: try row[8].decode(Int.self))
        }
    }

    private func exhausted(now: Date, maxAttempts: Int, limit: Int, on connection: PostgresConnection) async throws -> [ExhaustedDelivery] {
        try await connection.rows("""
            SELECT \(unescaped: Self.messageColumns), d.id, d.recipient, d.attempts, d.visible_at
            FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE d.acknowledged_at IS NULL AND d.dead_lettered_at IS NULL AND d.visible_at <= \(now.millis)
              AND d.attempts >= \(maxAttempts)
            ORDER BY d.visible_at, d.seq LIMIT \(limit)
            """, logger: logger).compactMap { row in
            let row = row.makeRandomAccess()
            let lifecycle = DeliveryLifecycle(attempts: try row[7].decode(Int.self), visibleAt: Date(millis: try row[8].decode(Int.self)))
            guard lifecycle.isExhausted(at: now, maxAttempts: maxAttempts), let message = try Self.dueMessage(row),
                  let recipient = AgencyID(try row[6].decode(String.self)) else { return nil }
            return ExhaustedDelivery(id: try row[5].decode(UUID.self), message: message, recipient: recipient,
                                     attempts: try row[7].decode(Int.self))
        }
    }
}
