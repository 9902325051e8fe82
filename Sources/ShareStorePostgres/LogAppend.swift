import Foundation
import NIOCore
import PostgresNIO
import ShareModel
import ShareStore

/// What one transaction (a group of write calls, see `WriteGroups`) adds at the end of the
/// event record (and, for new messages, of the delivery sequence), written by one statement
/// that takes the lock on `log_head` last.
///
/// Indexes and sequences are assigned from the locked `log_head` row and the row is advanced
/// in the same statement, so a transaction appends only after the one before it committed:
/// the record grows without gaps in commit order, and so does the delivery sequence, across
/// every process sharing the database. The transaction does its other work first and sends
/// everything that needs an index or a sequence in this one statement, so the lock is held
/// for that statement and the commit that follows it.
struct LogAppend {
    private var events = Columns.Events()
    private var messages = Columns.Messages()
    private var deliveries = Columns.Deliveries()
    private var subjects = Columns.Subjects()
    /// Offsets in this append of the `published` entries of messages added so far.
    private var publishedOffsets: [UUID: Int] = [:]
    /// The new messages added so far, with the offsets of their `published` entries.
    private var addedMessages: [UUID: (message: NewMessage, offset: Int)] = [:]
    /// The offsets in this append's deliveries of those handed out at publish.
    private var handOutOffsets: [Int] = []
    /// The position in its group of the call adding to the append now (`WriteGroups`).
    var member = 0
    /// The new messages added so far, with the position of the call that added each.
    private(set) var messageAdders: [UUID: Int] = [:]

    var isEmpty: Bool { events.kind.isEmpty }

    /// Appends events after those added so far. An event about a message records the
    /// message's audit index: that of a message added to this append, or else of a stored one;
    /// its subject tokens are indexed for `events(matching:)`, each pair once.
    mutating func add(_ records: [EventRecord], entries: [Data]? = nil) {
        for (offset, event) in records.enumerated() {
            if let messageID = event.messageID, let tokens = event.subjects {
                subjects.token += tokens
                subjects.messageID += tokens.map { _ in messageID }
            }
            if event.kind == .published, let id = event.messageID { publishedOffsets[id] = events.kind.count }
            events.kind.append(event.kind.rawValue)
            events.at.append(event.at.millis)
            events.agency.append(event.agency.rawValue)
            events.messageID.append(event.messageID)
            events.messageOffset.append(event.messageID.flatMap { publishedOffsets[$0] })
            events.recipient.append(event.recipient?.rawValue)
            events.entry.append(ByteBuffer(bytes: entries?[offset] ?? event.entryBytes()))
        }
    }

    /// Adds a new message with its deliveries and events; returns the offset in this append of
    /// its `published` entry (its audit index is the append's first index plus this offset).
    mutating func add(_ message: NewMessage, entries: [Data]? = nil) -> Int {
        let offset = events.kind.count
        add(message.events, entries: entries)
        messages.id.append(message.id)
        messages.sender.append(message.sender.rawValue)
        messages.type.append(message.type)
        messages.area.append(message.area)
        messages.digest.append(ByteBuffer(bytes: message.digest))
        messages.jws.append(ByteBuffer(bytes: message.jws))
        messages.receivedAt.append(message.receivedAt.millis)
        messages.expiresAt.append(message.expiresAt?.millis)
        messages.respondBy.append(message.respondBy?.millis)
        messages.inReplyTo.append(message.inReplyTo)
        messages.offset.append(offset)
        addedMessages[message.id] = (message, offset)
        messageAdders[message.id] = member
        let received = message.receivedAt.millis
        for delivery in message.deliveries {
            let streamed = delivery.handedOutUntil == nil ? nil : received
            if streamed != nil { handOutOffsets.append(deliveries.id.count) }
            deliveries.id.append(delivery.id)
            deliveries.messageID.append(message.id)
            deliveries.messageOffset.append(offset)
            deliveries.recipient.append(delivery.recipient.rawValue)
            deliveries.visibleAt.append(delivery.handedOutUntil?.millis ?? received)
            deliveries.createdAt.append(received)
            deliveries.expiresAt.append(message.expiresAt?.millis)
            deliveries.attempts.append(streamed == nil ? 0 : 1)
            deliveries.streamedAt.append(streamed)
            deliveries.dueBy.append(delivery.dueBy?.millis)
        }
        return offset
    }

    /// Writes the append, its subject index, and the notice of its deliveries to the other
    /// nodes (`ChangeNotice`) in one prepared statement, and places each delivery handed out
    /// at publish in its recipient's sequence; answers where the append went, or nil (and takes
    /// no lock) when it has nothing. Must be the transaction's last work; outside a transaction
    /// (`inTransaction` false) the statement commits on its own, and writes nothing when it
    /// fails or finds no head to lock.
    func commit(on connection: PostgresConnection, source: String, inTransaction: Bool, logger: Logger) async throws -> Appended? {
        guard !isEmpty else { return nil }
        let recipients = Array(Set(handOutOffsets.map { deliveries.recipient[$0] }))
        var binds = PostgresBindings(capacity: 32)
        try events.bind(to: &binds)
        try messages.bind(to: &binds)
        try deliveries.bind(to: &binds)
        let notice = deliveries.recipient.isEmpty
            ? nil : ChangeNotice.payload(of: .deliveries(deliveries.recipient.compactMap(AgencyID.init)), from: source)
        binds.append(notice)
        binds.append(subjects.token)
        binds.append(subjects.messageID)
        binds.append(recipients)
        let rows = try await connection.rows(Statement(bindings: binds), logger: logger)
        guard let (firstIndex, firstSeq, _, snapshotIsCurrent, seen) = try rows.first?.decode((Int, Int, String?, Bool, [Int]).self) else {
            throw try await Self.refusal(on: connection, logger: logger)
        }
        guard !handOutOffsets.isEmpty else { return Appended(firstIndex: firstIndex) }
        let latest: [String: Int]
        if snapshotIsCurrent {
            latest = Dictionary(zip(recipients, seen), uniquingKeysWith: { $1 })
        } else if inTransaction {
            latest = try await latestUnacknowledged(of: recipients, before: firstSeq, on: connection, logger: logger)
        } else {
            // Committed already: a failed read leaves the hand-outs to be read from the store.
            guard let read = try? await latestUnacknowledged(of: recipients, before: firstSeq, on: connection, logger: logger) else {
                return Appended(firstIndex: firstIndex, unplaced: true)
            }
            latest = read
        }
        return Appended(firstIndex: firstIndex, handedOut: placeHandOuts(firstSeq: firstSeq, after: latest))
    }

    /// Why the append found no head of this node's schema version to lock: a newer node
    /// upgraded the database (the transaction is then rolled back whole, and the caller answered
    /// 503, so that its client moves to an upgraded node), or the head row is missing.
    private static func refusal(on connection: PostgresConnection, logger: Logger) async throws -> StoreError {
        let found = try await connection.rows("SELECT schema_version FROM log_head WHERE id = 1", logger: logger)
        guard let version = try found.first?.decode(Int.self) else {
            return StoreError(.unavailable, "The event record has no head row; nothing was stored.")
        }
        return PostgresSchema.leftBehind(by: version)
    }

    /// Each recipient's latest delivery before the sequence `firstSeq` that is not acknowledged
    /// (0 for none), read by a statement sent after the append. In the append's transaction,
    /// the append holds the lock on `log_head` until the commit, so every append
    /// before it has committed and this statement's snapshot (READ COMMITTED) sees all of them
    /// and their acknowledgements, and none can come between. After an append that committed
    /// on its own, no delivery before `firstSeq` can be added any more (sequences are
    /// given under the lock in commit order) and none is ever unacknowledged again, so the read
    /// can differ only by deliveries acknowledged since; `previous` then skips only those,
    /// which no stream has to send (`PushedDelivery.previous`).
    private func latestUnacknowledged(of recipients: [String], before firstSeq: Int, on connection: PostgresConnection,
                                      logger: Logger) async throws -> [String: Int] {
        var binds = PostgresBindings(capacity: 2)
        binds.append(recipients)
        binds.append(firstSeq)
        var latest: [String: Int] = [:]
        for row in try await connection.rows(LatestUnacknowledged(bindings: binds), logger: logger) {
            let (recipient, sequence) = try row.decode((String, Int?).self)
            latest[recipient] = sequence ?? 0
        }
        return latest
    }

    /// Each delivery handed out at publish, keyed by its id, placed after its recipient's
    /// latest delivery not acknowledged: an earlier one of this append, or else the stored one
    /// in `latest` (0 for none).
    private func placeHandOuts(firstSeq: Int, after latest: [String: Int]) -> [UUID: StreamHandOut] {
        var latest = latest
        var handedOut: [UUID: StreamHandOut] = [:]
        var next = handOutOffsets[...]
        for (offset, recipient) in deliveries.recipient.enumerated() {
            if next.first == offset, let agency = AgencyID(recipient) {
                next.removeFirst()
                handedOut[deliveries.id[offset]] = StreamHandOut(deliveryID: deliveries.id[offset], recipient: agency,
                                                                 sequence: firstSeq + offset, previous: latest[recipient] ?? 0)
            }
            latest[recipient] = firstSeq + offset
        }
        return handedOut
    }

    /// Appends `events` and then `message` (if any) with its deliveries and events.
    mutating func add(_ events: [EventRecord], then message: NewMessage?) {
        add(events)
        if let message { _ = add(message) }
    }

    /// A new message added to this append (by this call or an earlier one of its group), and
    /// the offset of its `published` entry.
    func added(_ id: UUID) -> (message: NewMessage, offset: Int)? {
        addedMessages[id]
    }

    /// The append as a prepared statement. Its notice (`$29`, null for none) is queued by the
    /// statement and sent by PostgreSQL at the commit, and only if the transaction commits.
    ///
    /// It also reads, for each recipient among `$32` (those handed a delivery at publish), the
    /// latest delivery not acknowledged before the append (0 for none), from the statement's
    /// snapshot, and says whether that snapshot is the state the lock was taken on: whether
    /// the `log_head` the snapshot shows (`seen`) is the one the lock found. Under READ
    /// COMMITTED the snapshot is taken when the statement starts, before it waits for the
    /// lock, so it misses whatever an append committed meanwhile (on another node); every
    /// transaction that adds a delivery or acknowledges one appends, and so moves `log_head`.
    /// When it moved, the caller reads again after the lock (`LatestUnacknowledged`).
    private struct Statement: PreparedQuery {
        let bindings: PostgresBindings

        static let sql = """
        WITH seen AS (
            SELECT next_index FROM log_head WHERE id = 1
        ), head AS (
            UPDATE log_head SET next_index = next_index + cardinality($1::text[]), next_seq = next_seq + cardinality($19::uuid[])
            WHERE id = 1 AND schema_version = \(PostgresSchema.version)
            RETURNING next_index - cardinality($1::text[]) AS first_index, next_seq - cardinality($19::uuid[]) AS first_seq
        ), new_events AS (
            INSERT INTO events (idx, kind, at, agency, message_id, message_index, recipient, entry)
            SELECT head.first_index + e.n - 1, e.kind, e.at, e.agency, e.message_id,
                coalesce(head.first_index + e.message_offset, (SELECT m.audit_index FROM messages m WHERE m.id = e.message_id)),
                e.recipient, e.entry
            FROM head, unnest($1::text[], $2::bigint[], $3::text[], $4::uuid[], $5::bigint[], $6::text[], $7::bytea[])
                WITH ORDINALITY AS e(kind, at, agency, message_id, message_offset, recipient, entry, n)
        ), new_messages AS (
            INSERT INTO messages (id, sender, type, area, digest, jws, received_at, expires_at, respond_by, in_reply_to, audit_index)
            SELECT m.id, m.sender, m.type, m.area, m.digest, m.jws, m.received_at, m.expires_at, m.respond_by, m.in_reply_to,
                head.first_index + m.message_offset
            FROM head, unnest($8::uuid[], $9::text[], $10::text[], $11::text[], $12::bytea[], $13::bytea[], $14::bigint[],
                              $15::bigint[], $16::bigint[], $17::uuid[], $18::bigint[])
                AS m(id, sender, type, area, digest, jws, received_at, expires_at, respond_by, in_reply_to, message_offset)
        ), new_deliveries AS (
            INSERT INTO deliveries (seq, id, message_id, message_index, recipient, visible_at, created_at, expires_at, attempts,
                                    first_delivered_at, last_delivered_at, streamed_at, due_by)
            SELECT head.first_seq + d.n - 1, d.id, d.message_id, head.first_index + d.message_offset, d.recipient, d.visible_at,
                d.created_at, d.expires_at, d.attempts, d.streamed_at, d.streamed_at, d.streamed_at, d.due_by
            FROM head, unnest($19::uuid[], $20::uuid[], $21::bigint[], $22::text[], $23::bigint[], $24::bigint[], $25::bigint[],
                              $26::bigint[], $27::bigint[], $28::bigint[])
                WITH ORDINALITY AS d(id, message_id, message_offset, recipient, visible_at, created_at, expires_at, attempts,
                                     streamed_at, due_by, n)
        ), new_subjects AS (
            INSERT INTO event_subjects (token, message_id)
            SELECT s.token, s.message_id FROM head, unnest($30::text[], $31::uuid[]) AS s(token, message_id)
            ON CONFLICT DO NOTHING
        )
        SELECT first_index, first_seq,
            CASE WHEN $29::text IS NULL THEN NULL ELSE pg_notify('\(ChangeNotice.channel)', $29::text)::text END,
            seen.next_index = first_index,
            ARRAY(SELECT coalesce((SELECT d.seq FROM deliveries d
                                   WHERE d.recipient >= r.recipient AND d.recipient <= r.recipient AND d.acknowledged_at IS NULL
                                   ORDER BY d.recipient DESC, d.seq DESC LIMIT 1), 0)
                  FROM unnest($32::text[]) WITH ORDINALITY AS r(recipient, n) ORDER BY r.n)
        FROM head, seen
        """
    }

    /// Each recipient among `$1` with its latest delivery before the sequence `$2` that is not
    /// acknowledged (null for none), from the end of `deliveries_stream`.
    ///
    /// Like the statement's own read of the same (its last column), written so that only
    /// `deliveries_stream (recipient, seq)` answers it in order (see `openDeliveries`): as
    /// `recipient = R AND seq < S ORDER BY seq DESC`, PostgreSQL read `deliveries_pkey`
    /// backwards from `S`, filtering on the recipient, through every delivery of the others
    /// since the recipient's last open one (469 ms for three recipients, one of them quiet,
    /// among 200,000 deliveries).
    private struct LatestUnacknowledged: PreparedQuery {
        let bindings: PostgresBindings

        static let sql = """
        SELECT r.recipient, (SELECT d.seq FROM deliveries d
                             WHERE (d.recipient, d.seq) < (r.recipient, $2::bigint) AND d.recipient >= r.recipient
                               AND d.acknowledged_at IS NULL
                             ORDER BY d.recipient DESC, d.seq DESC LIMIT 1)
        FROM unnest($1::text[]) AS r(recipient)
        """
    }
}

/// Where a committed append went: the index of its first event, and each delivery handed out
/// at publish placed in its recipient's sequence (`StreamHandOut`), keyed by delivery id.
struct Appended: Sendable {
    let firstIndex: Int
    var handedOut: [UUID: StreamHandOut] = [:]
    /// True when deliveries were handed out at publish but could not be placed: this process's
    /// streams must read the store for them.
    var unplaced = false
}

/// The columns of an append, one array parameter each.
private enum Columns {
    struct Events {
        var kind: [String] = []
        var at: [Int] = []
        var agency: [String] = []
        var messageID: [UUID?] = []
        var messageOffset: [Int?] = []
        var recipient: [String?] = []
        var entry: [ByteBuffer] = []

        func bind(to binds: inout PostgresBindings) throws {
            binds.append(kind)
            binds.append(at)
            binds.append(agency)
            try binds.append(NullableArray(messageID))
            try binds.append(NullableArray(messageOffset))
            try binds.append(NullableArray(recipient))
            binds.append(entry)
        }
    }

    struct Messages {
        var id: [UUID] = []
        var sender: [String] = []
        var type: [String] = []
        var area: [String] = []
        var digest: [ByteBuffer] = []
        var jws: [ByteBuffer] = []
        var receivedAt: [Int] = []
        var expiresAt: [Int?] = []
        var respondBy: [Int?] = []
        var inReplyTo: [UUID?] = []
        var offset: [Int] = []

        func bind(to binds: inout PostgresBindings) throws {
            binds.append(id)
            binds.append(sender)
            binds.append(type)
            binds.append(area)
            binds.append(digest)
            binds.append(jws)
            binds.append(receivedAt)
            try binds.append(NullableArray(expiresAt))
            try binds.append(NullableArray(respondBy))
            try binds.append(NullableArray(inReplyTo))
            binds.append(offset)
        }
    }

    struct Subjects {
        var token: [String] = []
        var messageID: [UUID] = []
    }

    struct Deliveries {
        var id: [UUID] = []
        var messageID: [UUID] = []
        var messageOffset: [Int] = []
        var recipient: [String] = []
        var visibleAt: [Int] = []
        var createdAt: [Int] = []
        var expiresAt: [Int?] = []
        var attempts: [Int] = []
        var streamedAt: [Int?] = []
        var dueBy: [Int?] = []

        func bind(to binds: inout PostgresBindings) throws {
            binds.append(id)
            binds.append(messageID)
            binds.append(messageOffset)
            binds.append(recipient)
            binds.append(visibleAt)
            binds.append(createdAt)
            try binds.append(NullableArray(expiresAt))
            binds.append(attempts)
            try binds.append(NullableArray(streamedAt))
            try binds.append(NullableArray(dueBy))
        }
    }
}
