public import Foundation
public import ShareModel
public import ShareStore

/// The embedded store: one SQLite file in WAL mode with `synchronous=FULL`, so a commit is on
/// disk before it returns. Writes go through one writer thread that commits in groups; reads
/// use a second connection and never wait for writes.
public final class SQLiteStore: Store {
    /// Where and how to keep the file.
    public struct Configuration: Sendable {
        public var path: String
        /// A size the file may not grow past; writes beyond it fail as if the disk were full.
        public var maxSizeBytes: Int?

        public init(path: String, maxSizeBytes: Int? = nil) {
            self.path = path
            self.maxSizeBytes = maxSizeBytes
        }
    }

    let writer: SQLiteWorker
    let reader: SQLiteWorker
    /// Which of this process's delivery streams are open (see `holdStreamPresence`).
    let presence = StreamPresenceMemory()

    /// Opens (creating if needed) the store file and brings its schema up to date.
    public init(configuration: Configuration) throws {
        let path = configuration.path
        let maxSize = configuration.maxSizeBytes
        writer = try SQLiteWorker(name: "sqlite-writer", transactional: true) {
            let connection = try SQLiteConnection(path: path, readOnly: false)
            do {
                try Self.prepare(connection, maxSizeBytes: maxSize)
            } catch let error as SQLiteError where error.isFull {
                throw StoreError(.cannotOpen, error.fullStoreAdvice)
            }
            return connection
        }
        reader = try SQLiteWorker(name: "sqlite-reader", transactional: false) {
            let connection = try SQLiteConnection(path: path, readOnly: true)
            try connection.execute("PRAGMA foreign_keys = ON")
            try connection.execute("PRAGMA temp_store = MEMORY")
            try connection.execute("PRAGMA cache_size = \(Self.cachePages)")
            return connection
        }
    }

    /// Finishes at once: the file belongs to one broker process, which knows its own changes.
    public func changes() -> AsyncStream<StoreChange> {
        AsyncStream { $0.finish() }
    }

    /// Does nothing: no other process shares the file.
    public func announce(_ change: StoreChange) async throws {}

    /// Finishes queued work and closes both connections.
    public func close() async {
        await writer.close()
        await reader.close()
    }

    /// The reading connection's page cache, in SQLite's negative-means-KiB form: 64 MiB, so
    /// recent messages and the indexes stay in memory instead of being read back from the file.
    private static let cachePages = -65_536

    /// The writing connection's page cache: 16 MiB. Every commit that splits a B-tree page
    /// leaves a page numbered past the end of the file in SQLite's cache (`balance_nonroot`
    /// swaps page numbers through the one after the lock-byte page), so the end of the
    /// transaction truncates the cache by scanning its whole hash table, one bucket per cached
    /// page: 16,384 at 64 MiB, 15 % of the writer thread's time on a store of about 12,000
    /// messages (91 MB).
    /// A quarter of that cache took 10 % off the writer's CPU per message (BENCHMARKS.md).
    private static let writerCachePages = -16_384


    private static func prepare(_ connection: SQLiteConnection, maxSizeBytes: Int?) throws {
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = FULL")
        try connection.execute("PRAGMA foreign_keys = ON")
        // Statement journals and sort buffers stay in memory instead of a temporary file per
        // transaction; they are small and never needed after a crash.
        try connection.execute("PRAGMA temp_store = MEMORY")
        try connection.execute("PRAGMA cache_size = \(writerCachePages)")
        let version = try connection.statement("PRAGMA user_version")
        let current = try version.step() ? version.int(0) : 0
        // Finished before migrating: a pending statement would make DROP fail as locked.
        version.reset()
        guard current <= SQLiteSchema.version else {
            throw StoreError(.cannotOpen, "The store file was written by a newer version (schema \(current)); upgrade sharebroker.")
        }
        try connection.execute("BEGIN IMMEDIATE")
        for migration in SQLiteSchema.migrations[current...] {
            for statement in migration { try connection.execute(statement) }
        }
        try connection.execute("PRAGMA user_version = \(SQLiteSchema.version)")
        try connection.execute("COMMIT")
        if let maxSizeBytes {
            let pageSize = try connection.statement("PRAGMA page_size")
            let bytesPerPage = try pageSize.step() ? pageSize.int(0) : 4096
            try connection.execute("PRAGMA max_page_count = \(max(1, maxSizeBytes / bytesPerPage))")
        }
        // A half-stepped statement would hold an old read snapshot and make every later
        // write transaction fail as busy once another process changed the file.
        connection.resetStatements()
    }

    public func publish(_ messages: [NewMessage]) async throws -> [PublishOutcome] {
        // Encoded here, on the caller's thread: the one writer thread is the bottleneck.
        let entries = messages.map { $0.events.map { $0.entryBytes() } }
        return try await writer.run { connection in
            try zip(messages, entries).map { try Self.publish($0, entries: $1, on: connection) }
        }
    }

    /// Stores one message unless its id is taken: by the same bytes (a replay) or other bytes (a conflict).
    private static func publish(_ message: NewMessage, entries: [Data], on connection: SQLiteConnection) throws -> PublishOutcome {
        if let stored = try stored(message.id, on: connection) {
            return stored.digest == message.digest ? .replayed(stored.receipt) : .conflict
        }
        let missing = try missingAttachments(of: message, on: connection)
        guard missing.isEmpty else { return .attachmentsMissing(missing) }
        let (receipt, handedOut) = try insert(message, entries: entries, on: connection)
        return .stored(receipt, handedOut: handedOut)
    }

    public func replayedReceipt(of id: UUID, digest: Data) async throws -> PublishReceipt? {
        try await reader.run { connection in
            try Self.stored(id, on: connection).flatMap { $0.digest == digest ? $0.receipt : nil }
        }
    }

    /// The digest and first receipt of the stored message with this id, if there is one.
    private static func stored(_ id: UUID, on connection: SQLiteConnection) throws -> (digest: Data, receipt: PublishReceipt)? {
        let existing = try connection.statement("SELECT digest, receipt FROM messages WHERE id = ?").bind(id)
        guard try existing.step() else { return nil }
        var receipt = try JSONDecoder().decode(PublishReceipt.self, from: existing.data(1))
        let deliveries = try connection.statement("SELECT recipient, due_by FROM deliveries WHERE \(ofMessage) AND due_by IS NOT NULL")
            .bind(id)
        while try deliveries.step() {
            guard let recipient = AgencyID(deliveries.text(0)) else { continue }
            receipt.dueBy[recipient] = Date(millis: deliveries.int(1))
        }
        return (existing.data(0), receipt)
    }

    /// The receipt as stored for replays: the JSON its `Codable` decoding reads.
    static func receiptBytes(_ receipt: PublishReceipt) -> Data {
        JSONWriter.data(.object([
            "id": .string(receipt.id.uppercasedString), "recipients": .array(receipt.recipients.map { .string($0.rawValue) }),
            "auditIndex": .number(Double(receipt.auditIndex)),
        ]))
    }

    /// Stores a new message, its deliveries, its events and its subject tokens; returns its
    /// receipt and where each delivery handed out at publish stands in its recipient's sequence.
    static func insert(_ message: NewMessage, entries: [Data]? = nil, on connection: SQLiteConnection) throws
        -> (receipt: PublishReceipt, handedOut: [StreamHandOut]) {
        let firstIndex = try Self.appendEvents(message.events, entries: entries, on: connection)
        let receipt = PublishReceipt(id: message.id, recipients: message.deliveries.map(\.recipient), auditIndex: firstIndex,
                                     dueBy: message.dueBy)
        try connection.statement("""
            INSERT INTO messages (id, sender, type, area, digest, jws, received_at, expires_at, receipt, respond_by, in_reply_to, audit_index)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
            .bind(message.id, message.sender.rawValue, message.type, message.area, message.digest,
                  message.jws, message.receivedAt.millis, message.expiresAt?.millis, Self.receiptBytes(receipt),
                  message.respondBy?.millis, message.inReplyTo, firstIndex)
            .run()
        let subject = try connection.statement("INSERT OR IGNORE INTO event_subjects (token, message_id) VALUES (?, ?)")
        for token in message.events.first?.subjects ?? [] {
            subject.reset()
            try subject.bind(token, message.id).run()
        }
        let reference = try connection.statement("INSERT OR IGNORE INTO message_attachments (message_index, digest) VALUES (?, ?)")
        for digest in message.attachments {
            reference.reset()
            try reference.bind(firstIndex, digest.bytes).run()
        }
        let insert = try connection.statement("""
            INSERT INTO deliveries (id, message_id, message_index, recipient, visible_at, created_at, expires_at,
                                    attempts, first_delivered_at, last_delivered_at, streamed_at, due_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            RETURNING seq
            """)
        // The recipient's latest unacknowledged delivery, from the end of `deliveries_stream`.
        let latest = try connection.statement("""
            SELECT seq FROM deliveries WHERE recipient = ? AND acknowledged_at IS NULL ORDER BY seq DESC LIMIT 1
            """)
        var handedOut: [StreamHandOut] = []
        for delivery in message.deliveries {
            var previous = 0
            if delivery.handedOutUntil != nil {
                latest.reset()
                try latest.bind(delivery.recipient.rawValue)
                previous = try latest.step() ? latest.int(0) : 0
            }
            insert.reset()
            let received = message.receivedAt.millis
            let streamed = delivery.handedOutUntil == nil ? nil : received
            try insert.bind(delivery.id, message.id, firstIndex, delivery.recipient.rawValue,
                            delivery.handedOutUntil?.millis ?? received, received, message.expiresAt?.millis,
                            streamed == nil ? 0 : 1, streamed, streamed, streamed, delivery.dueBy?.millis)
            guard try insert.step() else { throw StoreError(.unavailable, "The store did not number a new delivery.") }
            let sequence = insert.int(0)
            try insert.run()
            if delivery.handedOutUntil != nil {
                handedOut.append(StreamHandOut(deliveryID: delivery.id, recipient: delivery.recipient, sequence: sequence, previous: previous))
            }
        }
        return (receipt, handedOut)
    }

    public func fetchInbox(for agency: AgencyID, limit: Int, now: Date, visibilityTimeout: TimeInterval, maxAttempts: Int) async throws -> [InboxDelivery] {
        try await handOut(to: agency, matching: "d.visible_at <= ?1 AND d.attempts < ?2", now.millis, maxAttempts, limit: limit,
                          now: now) { $0.inboxHandOut(at: now, visibilityTimeout: visibilityTimeout, maxAttempts: maxAttempts) }
    }

    public func streamDeliveries(for agency: AgencyID, after sequence: Int, limit: Int, now: Date,
                                 visibilityTimeout: TimeInterval, maxAttempts: Int) async throws -> [InboxDelivery] {
        try await handOut(to: agency, matching: "d.seq > ?3 AND (d.attempts < ?2 OR d.visible_at > ?1)", now.millis, maxAttempts,
                          sequence, limit: limit, now: now) {
            $0.streamHandOut(at: now, visibilityTimeout: visibilityTimeout, maxAttempts: maxAttempts)
        }
    }

    public func streamCandidates(for streams: [StreamCursor], limit: Int, now: Date,
                                 maxAttempts: Int) async throws -> [[StreamCandidate]] {
        try await reader.run { connection in
            let current = "d.streamed_at IS NOT NULL AND d.last_delivered_at = d.streamed_at AND d.visible_at > ?1"
            let select = try connection.statement("""
                SELECT \(Self.deliveryColumns), \(current), d.last_delivered_at
                \(Self.openDeliveries) AND d.seq > ?3 AND (d.attempts < ?2 OR d.visible_at > ?1)
                ORDER BY d.seq LIMIT ?5
                """)
            try connection.control("BEGIN")
            defer { try? connection.control("COMMIT") }
            return try streams.map { stream in
                select.reset()
                try select.bind(now.millis, maxAttempts, stream.after, stream.agency.rawValue, limit)
                var candidates: [StreamCandidate] = []
                while try select.step() {
                    let current = select.int(11) == 1
                    guard let delivery = Self.delivery(select, attempt: select.int(6),
                                                       deliveredAt: current ? Date(millis: select.int(12)) : now) else { continue }
                    candidates.append(StreamCandidate(delivery: delivery, handedOutAtPublish: current))
                }
                return candidates
            }
        }
    }

    /// Selects the deliveries of the message whose id is bound: by its audit index, which
    /// grows with time, so `deliveries_message_index` is written at its end.
    static let ofMessage = "message_index = (SELECT audit_index FROM messages WHERE id = ?)"

    /// The columns `delivery(_:attempt:deliveredAt:)` reads, from the `d` and `m` of `openDeliveries`.
    private static let deliveryColumns = "d.seq, d.id, d.message_id, m.type, m.sender, m.jws, d.attempts, d.created_at, d.expires_at, m.respond_by, d.due_by"

    /// A recipient's deliveries that may still be handed out at a time: not acknowledged, not
    /// expired, not dead-lettered. The recipient is parameter `?4`, the time `?1`.
    private static let openDeliveries = """
        FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE d.recipient = ?4 AND d.acknowledged_at IS NULL AND (d.expires_at IS NULL OR d.expires_at > ?1)
          AND d.dead_lettered_at IS NULL
        """

    /// The delivery in the current row of `deliveryColumns`, handed out as `attempt`; nil for a
    /// row that does not read back.
    private static func delivery(_ select: Statement, attempt: Int, deliveredAt: Date) -> InboxDelivery? {
        guard let id = UUID(text: select.text(1)), let messageID = UUID(text: select.text(2)),
              let sender = AgencyID(select.text(4)) else { return nil }
        return InboxDelivery(
            id: id, sequence: select.int(0), messageID: messageID, type: select.text(3), sender: sender,
            jws: select.data(5), attempt: attempt, createdAt: Date(millis: select.int(7)),
            deliveredAt: deliveredAt, expiresAt: select.optionalInt(8).map(Date.init(millis:)),
            respondBy: select.optionalInt(9).map(Date.init(millis:)), dueBy: select.optionalInt(10).map(Date.init(millis:)))
    }

    /// Hands out, in sequence order, up to `limit` of the agency's open deliveries that meet
    /// `condition` (in which `?1` is now, `?2` the most attempts and `?3` the sequence), as
    /// `decide` (a `DeliveryLifecycle` rule) says: a counted hand-out hides the delivery and
    /// counts its attempt, a repeated one changes nothing. Each is recorded as `delivered`,
    /// all in one transaction.
    private func handOut(to agency: AgencyID, matching condition: String, _ now: Int, _ maxAttempts: Int, _ sequence: Int = 0,
                         limit: Int, now date: Date,
                         decide: @escaping @Sendable (DeliveryLifecycle) -> DeliveryLifecycle.HandOut) async throws -> [InboxDelivery] {
        try await writer.run { connection in
            let select = try connection.statement("""
                SELECT \(Self.deliveryColumns), d.message_index, d.visible_at, d.last_delivered_at
                \(Self.openDeliveries) AND \(condition)
                ORDER BY d.seq LIMIT ?5
                """)
                .bind(now, maxAttempts, sequence, agency.rawValue, limit)
            var deliveries: [InboxDelivery] = []
            var counted: [(sequence: Int, hiddenUntil: Int)] = []
            var auditIndexes: [UUID: Int] = [:]
            while try select.step() {
                let lifecycle = DeliveryLifecycle(attempts: select.int(6), visibleAt: Date(millis: select.int(12)),
                                                  expiresAt: select.optionalInt(8).map(Date.init(millis:)),
                                                  lastDeliveredAt: select.optionalInt(13).map(Date.init(millis:)))
                let handOut = decide(lifecycle)
                guard let attempt = handOut.attempt, let deliveredAt = handOut.deliveredAt(now: date) else { continue }
                if let hiddenUntil = handOut.hiddenUntil { counted.append((select.int(0), hiddenUntil.millis)) }
                guard let delivery = Self.delivery(select, attempt: attempt, deliveredAt: deliveredAt) else { continue }
                deliveries.append(delivery)
                auditIndexes[delivery.messageID] = select.optionalInt(11)
            }
            let update = try connection.statement("""
                UPDATE deliveries SET attempts = attempts + 1, visible_at = ?, last_delivered_at = ?,
                    first_delivered_at = coalesce(first_delivered_at, ?)
                WHERE seq = ?
                """)
            for (sequence, hiddenUntil) in counted {
                update.reset()
                try update.bind(hiddenUntil, now, now, sequence).run()
            }
            _ = try Self.appendEvents(deliveries.map {
                EventRecord(kind: .delivered, at: date, agency: agency, messageID: $0.messageID,
                            deliveryID: $0.id, attempt: $0.attempt)
            }, auditIndexes: auditIndexes, on: connection)
            return deliveries
        }
    }

    public func acknowledge(deliveries ids: [UUID], by agency: AgencyID, at time: Date) async throws -> [Acknowledgement] {
        try await writer.run(patience: CommitSharing.acknowledgementPatience) { connection in
            let select = try connection.statement(
                "SELECT message_id, acknowledged_at, message_index FROM deliveries WHERE id = ? AND recipient = ?")
            let update = try connection.statement("UPDATE deliveries SET acknowledged_at = ? WHERE id = ?")
            var acknowledgements: [Acknowledgement] = []
            var events: [EventRecord] = []
            var auditIndexes: [UUID: Int] = [:]
            for id in ids {
                select.reset()
                try select.bind(id, agency.rawValue)
                guard try select.step(), let messageID = UUID(text: select.text(0)) else { continue }
                if let previous = select.optionalInt(1) {
                    acknowledgements.append(Acknowledgement(deliveryID: id, acknowledgedAt: Date(millis: previous), isFirst: false))
                    continue
                }
                update.reset()
                try update.bind(time.millis, id).run()
                events.append(EventRecord(kind: .acknowledged, at: time, agency: agency, messageID: messageID, deliveryID: id))
                auditIndexes[messageID] = select.optionalInt(2)
                acknowledgements.append(Acknowledgement(deliveryID: id, acknowledgedAt: Date(millis: time.millis), isFirst: true))
            }
            _ = try Self.appendEvents(events, auditIndexes: auditIndexes, on: connection)
            return acknowledgements
        }
    }

    public func isParty(to messageID: UUID, agency: AgencyID) async throws -> Bool {
        try await reader.run { connection in
            try connection.statement("""
                SELECT 1 FROM messages WHERE id = ?1 AND sender = ?2
                UNION ALL SELECT 1 FROM deliveries WHERE message_index = (SELECT audit_index FROM messages WHERE id = ?1) AND recipient = ?2
                """)
                .bind(messageID, agency.rawValue).step()
        }
    }

    public func messageStatus(id: UUID, sender: AgencyID, now: Date) async throws -> MessageStatus? {
        try await reader.run { connection in
            try connection.control("BEGIN")
            defer { try? connection.control("COMMIT") }
            let message = try connection.statement(
                "SELECT type, received_at, expires_at, respond_by, purged_at FROM messages WHERE id = ? AND sender = ?")
                .bind(id, sender.rawValue)
            guard try message.step() else { return nil }
            let type = message.text(0)
            let receivedAt = Date(millis: message.int(1))
            let expiresAt = message.optionalInt(2).map(Date.init(millis:))
            let respondBy = message.optionalInt(3).map(Date.init(millis:))
            let purgedAt = message.optionalInt(4).map(Date.init(millis:))
            let rows = try connection.statement("""
                SELECT id, recipient, attempts, created_at, first_delivered_at, last_delivered_at, acknowledged_at,
                    dead_lettered_at, visible_at, due_by
                FROM deliveries WHERE \(Self.ofMessage) ORDER BY seq
                """)
                .bind(id)
            var deliveries: [DeliveryStatus] = []
            while try rows.step() {
                guard let deliveryID = UUID(uuidString: rows.text(0)), let recipient = AgencyID(rows.text(1)) else { continue }
                let acknowledgedAt = rows.optionalInt(6).map(Date.init(millis:))
                let firstDelivered = rows.optionalInt(4).map(Date.init(millis:))
                let lifecycle = DeliveryLifecycle(
                    attempts: rows.int(2), visibleAt: Date(millis: rows.int(8)), expiresAt: expiresAt, acknowledgedAt: acknowledgedAt,
                    deadLetteredAt: rows.optionalInt(7).map(Date.init(millis:)), firstDeliveredAt: firstDelivered)
                deliveries.append(DeliveryStatus(
                    id: deliveryID, recipient: recipient, state: lifecycle.state(at: now), attempts: rows.int(2),
                    createdAt: Date(millis: rows.int(3)), firstDeliveredAt: firstDelivered,
                    lastDeliveredAt: rows.optionalInt(5).map(Date.init(millis:)), acknowledgedAt: acknowledgedAt,
                    dueBy: rows.optionalInt(9).map(Date.init(millis:))))
            }
            let replies = try connection.statement(
                "SELECT id, sender, received_at FROM messages WHERE in_reply_to = ? ORDER BY received_at, id")
                .bind(id)
            var answers: [MessageAnswer] = []
            while try replies.step() {
                guard let replyID = UUID(uuidString: replies.text(0)), let agency = AgencyID(replies.text(1)) else { continue }
                answers.append(MessageAnswer(messageID: replyID, agency: agency, receivedAt: Date(millis: replies.int(2))))
            }
            return MessageStatus(id: id, type: type, sender: sender, receivedAt: receivedAt, expiresAt: expiresAt,
                                 deliveries: deliveries, respondBy: respondBy, answers: answers, purgedAt: purgedAt)
        }
    }

    public func record(_ events: [EventRecord]) async throws {
        try await writer.run { connection in
            _ = try Self.appendEvents(events, on: connection)
            let subject = try connection.statement("INSERT OR IGNORE INTO event_subjects (token, message_id) VALUES (?, ?)")
            for event in events {
                guard let messageID = event.messageID else { continue }
                for token in event.subjects ?? [] {
                    subject.reset()
                    try subject.bind(token, messageID).run()
                }
            }
        }
    }

    public func addSubscription(_ subscription: Subscription, event: EventRecord) async throws {
        let document = try Self.subscriptionEncoder.encode(subscription)
        try await writer.run { connection in
            _ = try Self.appendEvents([event], on: connection)
            try connection.statement("INSERT INTO subscriptions (id, agency, document) VALUES (?, ?, ?)")
                .bind(subscription.id, subscription.agency.rawValue, document).run()
        }
    }

    public func removeSubscription(id: UUID, agency: AgencyID, event: EventRecord) async throws -> Bool {
        try await writer.run { connection in
            let delete = try connection.statement("DELETE FROM subscriptions WHERE id = ? AND agency = ? RETURNING id")
                .bind(id, agency.rawValue)
            guard try delete.step() else { return false }
            _ = try Self.appendEvents([event], on: connection)
            return true
        }
    }

    public func subscriptions() async throws -> [Subscription] {
        try await reader.run { connection in
            let select = try connection.statement("SELECT document FROM subscriptions ORDER BY seq")
            var found: [Subscription] = []
            while try select.step() {
                found.append(try Self.subscriptionDecoder.decode(Subscription.self, from: select.data(0)))
            }
            return found
        }
    }

    private static let subscriptionEncoder = ShareJSON.encoder()
    private static let subscriptionDecoder = ShareJSON.decoder()

    public func events(from index: Int, limit: Int) async throws -> [StoredEvent] {
        try await events(matching: EventFilter(fromIndex: index), limit: limit)
    }

    public func entryBytes(from index: Int, limit: Int) async throws -> [(index: Int, entry: Data)] {
        try await reader.run { connection in
            let select = try connection.statement("SELECT idx, entry FROM events WHERE idx >= ? ORDER BY idx LIMIT ?")
                .bind(index, limit)
            var entries: [(index: Int, entry: Data)] = []
            while try select.step() {
                entries.append((select.int(0), select.data(1)))
            }
            return entries
        }
    }

    public func events(matching filter: EventFilter, limit: Int) async throws -> [StoredEvent] {
        var conditions = ["idx >= ?"]
        var values: [(any SQLiteBindable)?] = [filter.fromIndex]
        if let kind = filter.kind {
            conditions.append("kind = ?")
            values.append(kind.rawValue)
        }
        if let messageID = filter.messageID {
            // Entries recorded since version 11 by the message's audit index; older ones, and
            // refusals of messages never stored, by its id.
            conditions.append("""
                (message_index = (SELECT audit_index FROM messages WHERE id = ?) OR (message_index IS NULL AND message_id = ?))
                """)
            values += [messageID, messageID]
        }
        if let agency = filter.agency {
            conditions.append("(agency = ? OR recipient = ?)")
            values += [agency.rawValue, agency.rawValue]
        }
        if let from = filter.from {
            conditions.append("at >= ?")
            values.append(from.millis)
        }
        if let to = filter.to {
            conditions.append("at < ?")
            values.append(to.millis)
        }
        if let token = filter.subjectToken {
            conditions.append("""
                (message_index IN (SELECT m.audit_index FROM event_subjects s JOIN messages m ON m.id = s.message_id WHERE s.token = ?)
                 OR (message_index IS NULL AND message_id IN (SELECT message_id FROM event_subjects WHERE token = ?)))
                """)
            values += [token, token]
        }
        values.append(limit)
        let sql = "SELECT idx, entry FROM events WHERE " + conditions.joined(separator: " AND ") + " ORDER BY idx LIMIT ?"
        let bindings = values
        return try await reader.run { connection in
            let select = try connection.statement(sql)
            try select.bind(values: bindings)
            var events: [StoredEvent] = []
            while try select.step() {
                let entry = select.data(1)
                events.append(StoredEvent(index: select.int(0), event: try EventRecord.decode(entry), entry: entry))
            }
            return events
        }
    }

    public func saveTreeHead(_ head: SignedTreeHeadRecord) async throws {
        try await writer.run { connection in
            try connection.statement(
                "INSERT OR IGNORE INTO tree_heads (tree_size, root_hash, timestamp, signed) VALUES (?, ?, ?, ?)")
                .bind(head.treeSize, head.rootHash, head.timestamp, head.signed).run()
        }
    }

    public func treeHeads(fromSize: Int, limit: Int) async throws -> [SignedTreeHeadRecord] {
        try await reader.run { connection in
            let select = try connection.statement("""
                SELECT tree_size, root_hash, timestamp, signed FROM tree_heads
                WHERE tree_size >= ? ORDER BY tree_size LIMIT ?
                """)
                .bind(fromSize, limit)
            var heads: [SignedTreeHeadRecord] = []
            while try select.step() {
                heads.append(Self.treeHead(select))
            }
            return heads
        }
    }

    public func latestTreeHead() async throws -> SignedTreeHeadRecord? {
        try await reader.run { connection in
            let select = try connection.statement(
                "SELECT tree_size, root_hash, timestamp, signed FROM tree_heads ORDER BY tree_size DESC LIMIT 1")
            return try select.step() ? Self.treeHead(select) : nil
        }
    }

    private static func treeHead(_ row: Statement) -> SignedTreeHeadRecord {
        SignedTreeHeadRecord(treeSize: row.int(0), rootHash: row.text(1), timestamp: row.text(2), signed: row.text(3))
    }

    /// Appends events at the end of the record; returns the index of the first (or of the next,
    /// if none). `entries`, when given, are the events' `entryBytes()`, encoded beforehand.
    ///
    /// An event about a stored message also records the message's audit index (that of its
    /// `published` entry), which the store finds a message's entries by: audit indexes grow
    /// with time, so each entry adds to the end of `events_message_index`, where message ids,
    /// chosen at random by senders, would each change a page somewhere in the index.
    /// `auditIndexes` are messages' audit indexes the caller has already read.
    static func appendEvents(_ events: [EventRecord], entries: [Data]? = nil, auditIndexes: [UUID: Int] = [:],
                             on connection: SQLiteConnection) throws -> Int {
        let next = try connection.statement("SELECT coalesce(max(idx) + 1, 0) FROM events")
        let first = try next.step() ? next.int(0) : 0
        let insert = try connection.statement("""
            INSERT INTO events (idx, kind, at, agency, message_id, message_index, recipient, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var known = auditIndexes
        for (offset, event) in events.enumerated() {
            if event.kind == .published, let id = event.messageID { known[id] = first + offset }
            let messageIndex = try event.messageID.flatMap { try known[$0] ?? auditIndex(of: $0, on: connection) }
            insert.reset()
            try insert.bind(first + offset, event.kind.rawValue, event.at.millis, event.agency.rawValue, event.messageID,
                            messageIndex, event.recipient?.rawValue, entries?[offset] ?? event.entryBytes()).run()
        }
        return first
    }

    /// The audit index of the stored message with this id, or nil if none is stored.
    private static func auditIndex(of messageID: UUID, on connection: SQLiteConnection) throws -> Int? {
        let select = try connection.statement("SELECT audit_index FROM messages WHERE id = ?").bind(messageID)
        return try select.step() ? select.optionalInt(0) : nil
    }
}
