public import Foundation
public import ShareModel
public import ShareStore

/// Retention: finding messages whose content may be destroyed, destroying it, and legal holds.
extension SQLiteStore {
    /// The conditions under which message `m` may be purged with the cutoff in parameter `?2`:
    /// content kept so far, every delivery settled by the cutoff, every deadline settled, and no
    /// subject under a legal hold.
    private static let purgeable = """
        m.purged_at IS NULL AND m.received_at <= ?2
        AND (m.respond_by IS NULL OR m.deadline_handled_at IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_index = m.audit_index AND (
            (d.acknowledged_at IS NULL AND d.dead_lettered_at IS NULL)
            OR (d.due_by IS NOT NULL AND d.due_handled_at IS NULL AND d.acknowledged_at IS NULL)
            OR coalesce(d.acknowledged_at, 0) > ?2 OR coalesce(d.dead_lettered_at, 0) > ?2))
        AND NOT EXISTS (SELECT 1 FROM legal_holds h JOIN event_subjects s ON s.token = h.token AND s.message_id = m.id)
        """

    public func retentionDue(cutoffs: [String: Date], limit: Int) async throws -> [RetentionCandidate] {
        try await reader.run { connection in
            try connection.control("BEGIN")
            defer { try? connection.control("COMMIT") }
            var found: [(index: Int, candidate: RetentionCandidate)] = []
            let select = try connection.statement("""
                SELECT m.id, m.audit_index, max(m.received_at, coalesce((SELECT max(max(coalesce(d.acknowledged_at, 0),
                    coalesce(d.dead_lettered_at, 0))) FROM deliveries d WHERE d.message_index = m.audit_index), 0))
                FROM messages m WHERE m.type = ?1 AND \(Self.purgeable)
                ORDER BY m.audit_index LIMIT ?3
                """)
            for (type, cutoff) in cutoffs.sorted(by: { $0.key < $1.key }) {
                select.reset()
                try select.bind(type, cutoff.millis, limit)
                while try select.step() {
                    guard let id = UUID(text: select.text(0)) else { continue }
                    found.append((select.int(1), RetentionCandidate(id: id, type: type, settledAt: Date(millis: select.int(2)))))
                }
            }
            return found.sorted { $0.index < $1.index }.prefix(limit).map(\.candidate)
        }
    }

    public func purge(message id: UUID, cutoff: Date, at time: Date, event: EventRecord) async throws -> Bool {
        try await writer.run { connection in
            let update = try connection.statement("""
                UPDATE messages AS m SET jws = X'', purged_at = ?3 WHERE m.id = ?1 AND \(Self.purgeable) RETURNING audit_index, sender
                """)
                .bind(id, cutoff.millis, time.millis)
            guard try update.step() else { return false }
            let auditIndex = update.int(0)
            let sender = update.text(1)
            update.reset()
            try Self.removeAttachments(ofPurged: auditIndex, sender: sender, on: connection)
            _ = try Self.appendEvents([event], auditIndexes: [id: auditIndex], on: connection)
            return true
        }
    }

    public func setLegalHold(_ held: Bool, on token: String, at time: Date, event: EventRecord) async throws -> Bool {
        try await writer.run { connection in
            let change = held
                ? try connection.statement("INSERT INTO legal_holds (token, placed_at) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING 1")
                    .bind(token, time.millis)
                : try connection.statement("DELETE FROM legal_holds WHERE token = ? RETURNING 1").bind(token)
            guard try change.step() else { return false }
            change.reset()
            _ = try Self.appendEvents([event], on: connection)
            let subject = try connection.statement("INSERT OR IGNORE INTO event_subjects (token, message_id) VALUES (?, ?)")
            for token in event.subjects ?? [] {
                guard let messageID = event.messageID else { break }
                subject.reset()
                try subject.bind(token, messageID).run()
            }
            return true
        }
    }

    public func legalHolds() async throws -> [LegalHold] {
        try await reader.run { connection in
            let select = try connection.statement("SELECT token, placed_at FROM legal_holds ORDER BY placed_at, token")
            var holds: [LegalHold] = []
            while try select.step() {
                holds.append(LegalHold(token: select.text(0), placedAt: Date(millis: select.int(1))))
            }
            return holds
        }
    }
}
