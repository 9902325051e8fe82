public import Foundation
import PostgresNIO
public import ShareModel
public import ShareStore

/// Retention: finding messages whose content may be destroyed, destroying it, and legal holds.
/// A purge checks and sets under the message's row lock, so two nodes purging one message at
/// once destroy and record it once: the second waits, then finds it purged.
extension PostgresStore {
    /// The conditions under which message `m` may be purged with the cutoff in `$2`: content kept
    /// so far, every delivery settled by the cutoff, every deadline settled, and no subject under
    /// a legal hold.
    private static let purgeable = """
        m.purged_at IS NULL AND m.received_at <= $2
        AND (m.respond_by IS NULL OR m.deadline_handled_at IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_index = m.audit_index AND (
            (d.acknowledged_at IS NULL AND d.dead_lettered_at IS NULL)
            OR (d.due_by IS NOT NULL AND d.due_handled_at IS NULL AND d.acknowledged_at IS NULL)
            OR coalesce(d.acknowledged_at, 0) > $2 OR coalesce(d.dead_lettered_at, 0) > $2))
        AND NOT EXISTS (SELECT 1 FROM legal_holds h JOIN event_subjects s ON s.token = h.token AND s.message_id = m.id)
        """

    public func retentionDue(cutoffs: [String: Date], limit: Int) async throws -> [RetentionCandidate] {
        try await read { [self] connection in
            var found: [(index: Int, candidate: RetentionCandidate)] = []
            for (type, cutoff) in cutoffs.sorted(by: { $0.key < $1.key }) {
                var binds = PostgresBindings(capacity: 3)
                binds.append(type)
                binds.append(cutoff.millis)
                binds.append(limit)
                let rows = try await connection.rows(PostgresQuery(unsafeSQL: """
                    SELECT m.id, m.audit_index, GREATEST(m.received_at, (SELECT max(GREATEST(d.acknowledged_at, d.dead_lettered_at))
                        FROM deliveries d WHERE d.message_index = m.audit_index))
                    FROM messages m WHERE m.type = $1 AND \(Self.purgeable)
                    ORDER BY m.audit_index LIMIT $3
                    """, binds: binds), logger: logger)
                for row in rows {
                    let (id, index, settledAt) = try row.decode((UUID, Int, Int).self)
                    found.append((index, RetentionCandidate(id: id, type: type, settledAt: Date(millis: settledAt))))
                }
            }
            return found.sorted { $0.index < $1.index }.prefix(limit).map(\.candidate)
        }
    }

    public func purge(message id: UUID, cutoff: Date, at time: Date, event: EventRecord) async throws -> Bool {
        try await write { [self] connection, append in
            var binds = PostgresBindings(capacity: 3)
            binds.append(id)
            binds.append(cutoff.millis)
            binds.append(time.millis)
            let purged = try await connection.rows(PostgresQuery(unsafeSQL: """
                UPDATE messages AS m SET jws = ''::bytea, purged_at = $3 WHERE m.id = $1 AND \(Self.purgeable) RETURNING m.sender
                """, binds: binds), logger: logger)
            guard let sender = try purged.first?.decode(String.self) else { return false }
            try await removeAttachments(ofPurged: id, sender: sender, on: connection)
            append.add([event])
            return true
        }
    }

    public func setLegalHold(_ held: Bool, on token: String, at time: Date, event: EventRecord) async throws -> Bool {
        try await write { [self] connection, append in
            let changed = held
                ? try await connection.rows("""
                    INSERT INTO legal_holds (token, placed_at) VALUES (\(token), \(time.millis)) ON CONFLICT DO NOTHING RETURNING token
                    """, logger: logger)
                : try await connection.rows("DELETE FROM legal_holds WHERE token = \(token) RETURNING token", logger: logger)
            guard !changed.isEmpty else { return false }
            append.add([event])
            return true
        }
    }

    public func legalHolds() async throws -> [LegalHold] {
        try await select { [self] connection in
            try await connection.rows("SELECT token, placed_at FROM legal_holds ORDER BY placed_at, token", logger: logger).map { row in
                let (token, placedAt) = try row.decode((String, Int).self)
                return LegalHold(token: token, placedAt: Date(millis: placedAt))
            }
        }
    }
}
