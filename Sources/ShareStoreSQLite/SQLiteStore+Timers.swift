public import Foundation
public import ShareModel
public import ShareStore

/// The timers' work: found from stored state, settled one item per transaction.
extension SQLiteStore {
    public func unsettledDeliveryCount() async throws -> Int {
        try await reader.run { connection in
            // Counted from the partial index `deliveries_unsettled`, which holds only these rows.
            let select = try connection.statement(
                "SELECT COUNT(*) FROM deliveries WHERE acknowledged_at IS NULL AND dead_lettered_at IS NULL")
            _ = try select.step()
            return select.int(0)
        }
    }

    /// Reads the schema version from the database's header page through the reader connection.
    public func probe() async throws {
        try await reader.run { connection in
            _ = try connection.statement("PRAGMA user_version").step()
        }
    }

    public func dueWork(now: Date, maxAttempts: Int, limit: Int) async throws -> DueWork {
        try await reader.run { connection in
            try connection.control("BEGIN")
            defer { try? connection.control("COMMIT") }
            return DueWork(
                expired: try Self.expired(now: now, limit: limit, on: connection),
                overdue: try Self.overdue(now: now, limit: limit, on: connection),
                exhausted: try Self.exhausted(now: now, maxAttempts: maxAttempts, limit: limit, on: connection),
                pastDue: try Self.pastDue(now: now, limit: limit, on: connection))
        }
    }

    public func settleExpiry(of messageID: UUID, at time: Date, events: [EventRecord], notice: NewMessage?) async throws {
        try await writer.run { connection in
            let mark = try connection.statement(
                "UPDATE messages SET expiry_handled_at = ? WHERE id = ? AND expiry_handled_at IS NULL RETURNING id")
                .bind(time.millis, messageID)
            guard try mark.step() else { return }
            try connection.statement("""
                UPDATE deliveries SET dead_lettered_at = ?
                WHERE \(Self.ofMessage) AND acknowledged_at IS NULL AND dead_lettered_at IS NULL
                """)
                .bind(time.millis, messageID).run()
            _ = try Self.appendEvents(events, on: connection)
            if let notice { _ = try Self.insert(notice, on: connection) }
        }
    }

    public func settleDeadline(of messageID: UUID, at time: Date, notice: NewMessage?) async throws {
        try await writer.run { connection in
            let mark = try connection.statement(
                "UPDATE messages SET deadline_handled_at = ? WHERE id = ? AND deadline_handled_at IS NULL RETURNING id")
                .bind(time.millis, messageID)
            guard try mark.step() else { return }
            if let notice { _ = try Self.insert(notice, on: connection) }
        }
    }

    public func deadLetter(deliveries ids: [UUID], at time: Date, events: [EventRecord], notice: NewMessage?) async throws -> Bool {
        try await settle(ids, marking: "dead_lettered_at", at: time, events: events, notice: notice)
    }

    public func settlePastDue(deliveries ids: [UUID], at time: Date, notice: NewMessage) async throws -> Bool {
        try await settle(ids, marking: "due_handled_at", at: time, events: [], notice: notice)
    }

    /// Sets column `mark` to `time` on the deliveries `ids` if none is acknowledged or has it
    /// set, and appends `events` and `notice`: true. Otherwise changes nothing: false.
    private func settle(_ ids: [UUID], marking mark: String, at time: Date, events: [EventRecord],
                        notice: NewMessage?) async throws -> Bool {
        try await writer.run { connection in
            let open = try connection.statement(
                "SELECT 1 FROM deliveries WHERE id = ? AND \(mark) IS NULL AND acknowledged_at IS NULL")
            for id in ids {
                open.reset()
                guard try open.bind(id).step() else { return false }
            }
            let update = try connection.statement("UPDATE deliveries SET \(mark) = ? WHERE id = ?")
            for id in ids {
                update.reset()
                try update.bind(time.millis, id).run()
            }
            _ = try Self.appendEvents(events, on: connection)
            if let notice { _ = try Self.insert(notice, on: connection) }
            return true
        }
    }

    private static func dueMessage(_ row: Statement) -> DueMessage? {
        guard let id = UUID(uuidString: row.text(0)), let sender = AgencyID(row.text(1)) else { return nil }
        return DueMessage(id: id, sender: sender, type: row.text(2), area: row.text(3), jws: row.data(4))
    }

    private static func expired(now: Date, limit: Int, on connection: SQLiteConnection) throws -> [ExpiredMessage] {
        let select = try connection.statement("""
            SELECT id, sender, type, area, jws, expires_at FROM messages
            WHERE expires_at IS NOT NULL AND expiry_handled_at IS NULL AND expires_at <= ?
            ORDER BY expires_at LIMIT ?
            """)
            .bind(now.millis, limit)
        let deliveries = try connection.statement("""
            SELECT id, recipient, attempts, first_delivered_at FROM deliveries
            WHERE \(Self.ofMessage) AND acknowledged_at IS NULL AND dead_lettered_at IS NULL ORDER BY seq
            """)
        var found: [ExpiredMessage] = []
        while try select.step() {
            guard let message = dueMessage(select) else { continue }
            deliveries.reset()
            try deliveries.bind(message.id)
            var unacknowledged: [ExpiredMessage.Unacknowledged] = []
            while try deliveries.step() {
                guard let id = UUID(uuidString: deliveries.text(0)), let recipient = AgencyID(deliveries.text(1)) else { continue }
                unacknowledged.append(.init(deliveryID: id, recipient: recipient, attempts: deliveries.int(2),
                                            delivered: deliveries.optionalInt(3) != nil))
            }
            found.append(ExpiredMessage(message: message, expiresAt: Date(millis: select.int(5)), unacknowledged: unacknowledged))
        }
        return found
    }

    private static func overdue(now: Date, limit: Int, on connection: SQLiteConnection) throws -> [OverdueRequest] {
        let select = try connection.statement("""
            SELECT id, sender, type, area, jws, respond_by FROM messages
            WHERE respond_by IS NOT NULL AND deadline_handled_at IS NULL AND respond_by <= ?
            ORDER BY respond_by LIMIT ?
            """)
            .bind(now.millis, limit)
        let recipients = try connection.statement("SELECT recipient FROM deliveries WHERE \(Self.ofMessage) ORDER BY seq")
        let answered = try connection.statement("SELECT DISTINCT sender FROM messages WHERE in_reply_to = ? ORDER BY sender")
        var found: [OverdueRequest] = []
        while try select.step() {
            guard let message = dueMessage(select) else { continue }
            func agencies(_ statement: Statement) throws -> [AgencyID] {
                statement.reset()
                try statement.bind(message.id)
                var list: [AgencyID] = []
                while try statement.step() { AgencyID(statement.text(0)).map { list.append($0) } }
                return list
            }
            found.append(OverdueRequest(message: message, respondBy: Date(millis: select.int(5)),
                                        recipients: try agencies(recipients), answered: try agencies(answered)))
        }
        return found
    }

    private static func pastDue(now: Date, limit: Int, on connection: SQLiteConnection) throws -> [PastDueDelivery] {
        let select = try connection.statement("""
            SELECT m.id, m.sender, m.type, m.area, m.jws, d.id, d.recipient, d.due_by, d.attempts
            FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE d.due_by IS NOT NULL AND d.due_handled_at IS NULL AND d.acknowledged_at IS NULL AND d.due_by <= ?
            ORDER BY d.due_by, d.seq LIMIT ?
            """)
            .bind(now.millis, limit)
        var found: [PastDueDelivery] = []
        while try select.step() {
            guard let message = dueMessage(select), let id = UUID(text: select.text(5)),
                  let recipient = AgencyID(select.text(6)) else { continue }
            found.append(PastDueDelivery(id: id, message: message, recipient: recipient, dueBy: Date(millis: select.int(7)),
                                         attempts: select.int(8)))
        }
        return found
    }

    private static func exhausted(now: Date, maxAttempts: Int, limit: Int, on connection: SQLiteConnection) throws -> [ExhaustedDelivery] {
        let select = try connection.statement("""
            SELECT m.id, m.sender, m.type, m.area, m.jws, d.id, d.recipient, d.attempts, d.visible_at
            FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE d.acknowledged_at IS NULL AND d.dead_lettered_at IS NULL AND d.visible_at <= ? AND d.attempts >= ?
            ORDER BY d.visible_at LIMIT ?
            """)
            .bind(now.millis, maxAttempts, limit)
        var found: [ExhaustedDelivery] = []
        while try select.step() {
            let lifecycle = DeliveryLifecycle(attempts: select.int(7), visibleAt: Date(millis: select.int(8)))
            guard lifecycle.isExhausted(at: now, maxAttempts: maxAttempts), let message = dueMessage(select),
                  let id = UUID(text: select.text(5)), let recipient = AgencyID(select.text(6)) else { continue }
            found.append(ExhaustedDelivery(id: id, message: message, recipient: recipient, attempts: select.int(7)))
        }
        return found
    }
}
