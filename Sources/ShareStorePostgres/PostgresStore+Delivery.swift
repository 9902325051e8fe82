public import Foundation
import PostgresNIO
public import ShareModel
public import ShareStore

/// Handing deliveries out (inbox and streams), acknowledging them and deferring them.
extension PostgresStore {
    public func fetchInbox(for agency: AgencyID, limit: Int, now: Date, visibilityTimeout: TimeInterval,
                           maxAttempts: Int) async throws -> [InboxDelivery] {
        // Skips deliveries another transaction is handing out (or acknowledging) right now:
        // two fetches never wait for each other and never take the same delivery.
        try await handOut(InboxHandOut.self, to: agency, now: now, maxAttempts: maxAttempts, limit: limit) {
            $0.inboxHandOut(at: now, visibilityTimeout: visibilityTimeout, maxAttempts: maxAttempts)
        }
    }

    public func streamDeliveries(for agency: AgencyID, after sequence: Int, limit: Int, now: Date,
                                 visibilityTimeout: TimeInterval, maxAttempts: Int) async throws -> [InboxDelivery] {
        // Waits for deliveries another transaction holds, then reads them as it left them: a
        // stream resuming after a sequence must not pass over one.
        try await handOut(StreamHandOut.self, to: agency, now: now, maxAttempts: maxAttempts, after: sequence, limit: limit) {
            $0.streamHandOut(at: now, visibilityTimeout: visibilityTimeout, maxAttempts: maxAttempts)
        }
    }

    public func streamCandidates(for streams: [StreamCursor], limit: Int, now: Date,
                                 maxAttempts: Int) async throws -> [[StreamCandidate]] {
        guard !streams.isEmpty else { return [] }
        return try await select(on: streamReader) { [self] connection in
            let rows = try await connection.rows(StreamCandidates(now: now, maxAttempts: maxAttempts, streams: streams,
                                                                 limit: limit), logger: logger)
            var candidates = [[StreamCandidate]](repeating: [], count: streams.count)
            var bodies: [UUID: Data] = [:]
            for row in rows {
                let cells = row.makeRandomAccess()
                let current = try cells[Self.deliveryColumnCount].decode(Bool.self)
                let lastDelivered = try cells[Self.deliveryColumnCount + 1].decode(Int?.self)
                let stream = try cells[Self.deliveryColumnCount + 2].decode(Int.self)
                let deliveredAt = current ? lastDelivered.map(Date.init(millis:)) ?? now : now
                let messageID = try cells[2].decode(UUID.self)
                if let jws = try cells[5].decode(Data?.self) { bodies[messageID] = jws }
                guard let jws = bodies[messageID] else {
                    throw StoreError(.unavailable, "The streams' read answered a delivery before its message's JWS; nothing was handed out.")
                }
                guard candidates.indices.contains(stream),
                      let delivery = try Self.delivery(cells, jws: jws, attempt: try cells[6].decode(Int.self), deliveredAt: deliveredAt)
                else { continue }
                candidates[stream].append(StreamCandidate(delivery: delivery, handedOutAtPublish: current))
            }
            return candidates
        }
    }

    public func acknowledge(deliveries ids: [UUID], by agency: AgencyID, at time: Date) async throws -> [Acknowledgement] {
        try await write(patience: acknowledgementPatience) { [self] connection, append in
            var binds = PostgresBindings(capacity: 3)
            // One order for every acknowledgement, so that two taking the same rows lock them alike.
            binds.append(Array(Set(ids)).sorted())
            binds.append(agency.rawValue)
            binds.append(time.millis)
            let rows = try await connection.rows(Acknowledging(bindings: binds), logger: logger)
            var found: [UUID: (messageID: UUID, acknowledgedAt: Int?)] = [:]
            for row in rows {
                let (id, messageID, acknowledgedAt) = try row.decode((UUID, UUID, Int?).self)
                found[id] = (messageID, acknowledgedAt)
            }
            var acknowledgements: [Acknowledgement] = []
            var events: [EventRecord] = []
            for id in ids {
                guard let delivery = found[id] else { continue }
                if let previous = delivery.acknowledgedAt {
                    acknowledgements.append(Acknowledgement(deliveryID: id, acknowledgedAt: Date(millis: previous), isFirst: false))
                    continue
                }
                found[id] = (delivery.messageID, time.millis)
                events.append(EventRecord(kind: .acknowledged, at: time, agency: agency, messageID: delivery.messageID, deliveryID: id))
                acknowledgements.append(Acknowledgement(deliveryID: id, acknowledgedAt: Date(millis: time.millis), isFirst: true))
            }
            append.add(events)
            return acknowledgements
        }
    }

    public func deferDelivery(_ id: UUID, until time: Date) async throws {
        try await select { [self] connection in
            try await connection.rows("""
                UPDATE deliveries SET visible_at = \(time.millis) WHERE id = \(id) AND acknowledged_at IS NULL
                """, logger: logger)
        }
    }

    /// Hands out, in sequence order, up to `limit` of the agency's open deliveries that `Query`
    /// selects and locks, as `decide` (a `DeliveryLifecycle` rule) says: a counted hand-out
    /// hides the delivery and counts its attempt, a repeated one changes nothing. Each is
    /// recorded as `delivered`, all in one transaction.
    private func handOut<Query: DeliveriesQuery>(_ query: Query.Type, to agency: AgencyID, now: Date, maxAttempts: Int,
                                                 after sequence: Int = 0, limit: Int,
                                                 decide: @escaping @Sendable (DeliveryLifecycle) -> DeliveryLifecycle.HandOut)
        async throws -> [InboxDelivery] {
        try await write { [self] connection, append in
            let rows = try await connection.rows(Query(now: now, maxAttempts: maxAttempts, after: sequence, agency: agency,
                                                       limit: limit), logger: logger)
            var deliveries: [InboxDelivery] = []
            var counted: [Int: [Int]] = [:]
            for row in rows {
                let cells = row.makeRandomAccess()
                let lifecycle = DeliveryLifecycle(
                    attempts: try cells[6].decode(Int.self), visibleAt: Date(millis: try cells[Self.deliveryColumnCount].decode(Int.self)),
                    expiresAt: try cells[8].decode(Int?.self).map(Date.init(millis:)),
                    lastDeliveredAt: try cells[Self.deliveryColumnCount + 1].decode(Int?.self).map(Date.init(millis:)))
                let handOut = decide(lifecycle)
                guard let attempt = handOut.attempt, let deliveredAt = handOut.deliveredAt(now: now) else { continue }
                if let hiddenUntil = handOut.hiddenUntil {
                    counted[hiddenUntil.millis, default: []].append(try cells[0].decode(Int.self))
                }
                guard let delivery = try Self.delivery(cells, jws: try cells[5].decode(Data.self), attempt: attempt, deliveredAt: deliveredAt)
                else { continue }
                deliveries.append(delivery)
            }
            for (hiddenUntil, sequences) in counted {
                var binds = PostgresBindings(capacity: 3)
                binds.append(hiddenUntil)
                binds.append(now.millis)
                binds.append(sequences)
                try await connection.rows(CountedHandOut(bindings: binds), logger: logger)
            }
            append.add(deliveries.map {
                EventRecord(kind: .delivered, at: now, agency: agency, messageID: $0.messageID, deliveryID: $0.id, attempt: $0.attempt)
            })
            return deliveries
        }
    }

    /// How many columns `delivery(_:jws:attempt:deliveredAt:)` reads (`deliveryColumns`).
    private static let deliveryColumnCount = 11

    /// The delivery in the first `deliveryColumns` of `row`, of the message `jws` (the sixth
    /// column's, read by the caller), handed out as `attempt`; nil for a row that does not read back.
    private static func delivery(_ row: PostgresRandomAccessRow, jws: Data, attempt: Int, deliveredAt: Date) throws -> InboxDelivery? {
        guard let sender = AgencyID(try row[4].decode(String.self)) else { return nil }
        return InboxDelivery(
            id: try row[1].decode(UUID.self), sequence: try row[0].decode(Int.self), messageID: try row[2].decode(UUID.self),
            type: try row[3].decode(String.self), sender: sender, jws: jws,
            attempt: attempt, createdAt: Date(millis: try row[7].decode(Int.self)),
            deliveredAt: deliveredAt, expiresAt: try row[8].decode(Int?.self).map(Date.init(millis:)),
            respondBy: try row[9].decode(Int?.self).map(Date.init(millis:)), dueBy: try row[10].decode(Int?.self).map(Date.init(millis:)))
    }
}

/// The columns `PostgresStore.delivery(_:jws:attempt:deliveredAt:)` reads, from `d` (deliveries) and `m` (messages).
private let deliveryColumns = "d.seq, d.id, d.message_id, m.type, m.sender, m.jws, d.attempts, d.created_at, d.expires_at, m.respond_by, d.due_by"

/// A recipient's deliveries that may still be handed out (not acknowledged, not expired, not
/// dead-lettered) after a sequence and meet a condition, in sequence order:
/// `deliveryColumns` and then more. Parameters: `$1` now, `$2` the most attempts, `$3` the
/// sequence, `$4` the agency, `$5` the limit. Prepared, and planned once (`openDeliveries`).
private protocol DeliveriesQuery: PreparedQuery {
    init(bindings: PostgresBindings)
}

extension DeliveriesQuery {
    init(now: Date, maxAttempts: Int, after sequence: Int, agency: AgencyID, limit: Int) {
        var binds = PostgresBindings(capacity: 5)
        binds.append(now.millis)
        binds.append(maxAttempts)
        binds.append(sequence)
        binds.append(agency.rawValue)
        binds.append(limit)
        self.init(bindings: binds)
    }

    /// The statement that reads `extra` after `deliveryColumns` for the deliveries that meet
    /// `condition`, locked as `locking` says.
    static func selecting(_ extra: String, matching condition: String, locking: String) -> String {
        openDeliveries(extra, of: "$4::text", after: "$3::bigint", matching: condition) + " " + locking
    }
}

/// The open deliveries of `recipient` after the sequence `after` that meet `condition`, with
/// `extra` after `deliveryColumns`, in sequence order, at most `$5`.
///
/// Written so that the only way to read them in order is `deliveries_stream (recipient, seq)`,
/// from the recipient's place after `after` to its last open delivery, whatever PostgreSQL
/// guesses of the recipient's share of the table: the row comparison bounds that index alone,
/// and an order by recipient first is one no other index gives. Written as `recipient = R AND
/// seq > A ORDER BY seq`, PostgreSQL read `deliveries_pkey` from `A` on and filtered on the
/// recipient whenever it guessed the recipient's share large (always, in a generic plan of a
/// partnership of few agencies): a quiet agency's read went through every agency's deliveries
/// since its last one, acknowledged or not. The recipient is bounded by comparisons, not `=`:
/// with `recipient = R`, PostgreSQL drops the recipient from the order as a constant (a
/// lateral `s.agency` too), and the key's order serves again.
private func openDeliveries(_ extra: String, of recipient: String, after sequence: String, matching condition: String) -> String {
    """
    SELECT \(deliveryColumns), \(extra)
    FROM deliveries d JOIN messages m ON m.id = d.message_id
    WHERE (d.recipient, d.seq) > (\(recipient), \(sequence)) AND d.recipient <= \(recipient)
      AND d.acknowledged_at IS NULL AND (d.expires_at IS NULL OR d.expires_at > $1::bigint)
      AND d.dead_lettered_at IS NULL AND \(condition)
    ORDER BY d.recipient, d.seq LIMIT $5::bigint
    """
}

/// An inbox fetch: visible deliveries with attempts left, skipping those another transaction
/// is handing out or acknowledging right now (two fetches never wait for each other and never
/// take the same delivery); then when each becomes visible and when it was last handed out.
private struct InboxHandOut: DeliveriesQuery {
    let bindings: PostgresBindings
    static let sql = selecting("d.visible_at, d.last_delivered_at", matching: "d.visible_at <= $1::bigint AND d.attempts < $2::bigint",
                               locking: "FOR UPDATE OF d SKIP LOCKED")
}

/// A stream's hand-out after a sequence: waits for deliveries another transaction holds, then
/// reads them as it left them (a stream resuming after a sequence must not pass over one),
/// with when each becomes visible and when it was last handed out.
private struct StreamHandOut: DeliveriesQuery {
    let bindings: PostgresBindings
    static let sql = selecting("d.visible_at, d.last_delivered_at", matching: streamCondition, locking: "FOR UPDATE OF d")
}

/// What streams may send after their sequences, without handing anything out, for each stream
/// of the arrays `$4` (agencies) and `$3` (sequences), side by side, in one statement: the
/// stream's deliveries (`deliveryColumns`, the message's JWS only in the first row of each
/// message: a message to ten streaming agencies is read and sent once, not ten times), then
/// whether the publish handed the delivery out to its streams already, when it was last handed
/// out, and the stream's place in the arrays (from 0). Prepared, and run on the stream
/// readers' connection, which plans it once (`openDeliveries` leaves one plan to make, and
/// planning it cost as much as running it).
private struct StreamCandidates: PreparedQuery {
    let bindings: PostgresBindings

    init(now: Date, maxAttempts: Int, streams: [StreamCursor], limit: Int) {
        var binds = PostgresBindings(capacity: 5)
        binds.append(now.millis)
        binds.append(maxAttempts)
        binds.append(streams.map(\.after))
        binds.append(streams.map(\.agency.rawValue))
        binds.append(limit)
        bindings = binds
    }

    static let sql = """
        SELECT c.seq, c.id, c.message_id, c.type, c.sender,
            CASE WHEN row_number() OVER (PARTITION BY c.message_id ORDER BY s.place, c.seq) = 1 THEN c.jws END,
            c.attempts, c.created_at, c.expires_at, c.respond_by, c.due_by, c.current, c.last_delivered_at, s.place - 1
        FROM unnest($4::text[], $3::bigint[]) WITH ORDINALITY AS s(agency, after, place)
        CROSS JOIN LATERAL (\(openDeliveries(
            "d.streamed_at IS NOT NULL AND d.last_delivered_at = d.streamed_at AND d.visible_at > $1::bigint AS current, d.last_delivered_at",
            of: "s.agency", after: "s.after", matching: streamCondition))) c
        ORDER BY s.place, c.seq
        """
}

/// The deliveries a stream sends (after its sequence): with attempts left, or handed out and still hidden.
private let streamCondition = "(d.attempts < $2::bigint OR d.visible_at > $1::bigint)"

/// Counts a hand-out of the deliveries `$3`: hidden until `$1`, handed out at `$2`.
private struct CountedHandOut: PreparedQuery {
    let bindings: PostgresBindings
    static let sql = """
        UPDATE deliveries SET attempts = attempts + 1, visible_at = $1::bigint, last_delivered_at = $2::bigint,
            first_delivered_at = coalesce(first_delivered_at, $2::bigint)
        WHERE seq = ANY($3::bigint[])
        """
}

/// Acknowledges at `$3` those of the deliveries `$1` of the recipient `$2` not acknowledged
/// yet, under their row locks, in one round trip; answers each with its acknowledgement time
/// as it was before (null: acknowledged now). Its caller appends an `acknowledged` entry for
/// each delivery it acknowledges, in the same transaction: `LogAppend` relies on every change
/// of `acknowledged_at` moving `log_head`.
///
/// Each delivery is found by its own lookup of `deliveries_id_key` (the locking subquery is
/// never merged into a join), locked in the order of `$1`: a plan that PostgreSQL keeps
/// whatever the table's size when it made it. Written as `id = ANY($1)`, the plan it kept
/// on a new database read the whole table for every acknowledgement.
private struct Acknowledging: PreparedQuery {
    let bindings: PostgresBindings
    static let sql = """
        WITH taken AS (
            SELECT d.id, d.message_id, d.acknowledged_at
            FROM unnest($1::uuid[]) AS a(id)
            CROSS JOIN LATERAL (SELECT id, message_id, acknowledged_at FROM deliveries
                                WHERE id = a.id AND recipient = $2::text FOR UPDATE) d
        ), acknowledging AS (
            UPDATE deliveries d SET acknowledged_at = $3::bigint FROM taken WHERE d.id = taken.id AND taken.acknowledged_at IS NULL
        )
        SELECT id, message_id, acknowledged_at FROM taken
        """
}
