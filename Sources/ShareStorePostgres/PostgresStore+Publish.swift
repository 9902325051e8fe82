public import Foundation
import PostgresNIO
import ShareModel
public import ShareStore

/// Publishing: new messages, identical resends and taken ids.
extension PostgresStore {
    public func publish(_ messages: [NewMessage]) async throws -> [PublishOutcome] {
        let entries = messages.map { $0.events.map { $0.entryBytes() } }
        return try await write { [self] connection in
            let stored = try await storedReceipts(messages.map(\.id), on: connection)
            var append = LogAppend()
            var added: [UUID: (digest: Data, receipt: (Int) -> PublishReceipt)] = [:]
            var outcomes: [(Int) -> PublishOutcome] = []
            var subjects: [(token: String, messageID: UUID)] = []
            var references: [(messageID: UUID, digest: AttachmentDigest)] = []
            for (message, entries) in zip(messages, entries) {
                if let stored = stored[message.id] {
                    outcomes.append { _ in stored.digest == message.digest ? .replayed(stored.receipt) : .conflict }
                } else if let earlier = added[message.id] {
                    outcomes.append { first in earlier.digest == message.digest ? .replayed(earlier.receipt(first)) : .conflict }
                } else if case let missing = try await missingAttachments(of: message, on: connection), !missing.isEmpty {
                    outcomes.append { _ in .attachmentsMissing(missing) }
                } else {
                    let offset = append.add(message, entries: entries)
                    let receipt = { (first: Int) in
                        PublishReceipt(id: message.id, recipients: message.deliveries.map(\.recipient), auditIndex: first + offset,
                                       dueBy: message.dueBy)
                    }
                    added[message.id] = (message.digest, receipt)
                    outcomes.append { first in .stored(receipt(first)) }
                    subjects += (message.events.first?.subjects ?? []).map { ($0, message.id) }
                    references += message.attachments.map { (message.id, $0) }
                }
            }
            try await indexSubjects(subjects, on: connection)
            try await recordReferences(references, on: connection)
            let first = try await append.commit(on: connection, logger: logger) ?? 0
            return outcomes.map { $0(first) }
        }
    }

    public func replayedReceipt(of id: UUID, digest: Data) async throws -> PublishReceipt? {
        try await select { [self] connection in
            try await storedReceipts([id], on: connection)[id].flatMap { $0.digest == digest ? $0.receipt : nil }
        }
    }

    /// The digest and first receipt of each stored message among `ids`.
    private func storedReceipts(_ ids: [UUID], on connection: PostgresConnection) async throws
        -> [UUID: (digest: Data, receipt: PublishReceipt)] {
        let rows = try await connection.rows("""
            SELECT m.id, m.digest, m.audit_index,
                ARRAY(SELECT d.recipient FROM deliveries d WHERE d.message_index = m.audit_index ORDER BY d.seq),
                ARRAY(SELECT coalesce(d.due_by, -1) -- -1: no deadline
                       FROM deliveries d WHERE d.message_index = m.audit_index ORDER BY d.seq)
            FROM messages m WHERE m.id = ANY(\(ids))
            """, logger: logger)
        var found: [UUID: (digest: Data, receipt: PublishReceipt)] = [:]
        for row in rows {
            let (id, digest, auditIndex, recipients, dueBy) = try row.decode((UUID, Data, Int, [String], [Int]).self)
            var receipt = PublishReceipt(id: id, recipients: recipients.compactMap(AgencyID.init), auditIndex: auditIndex)
            for (recipient, due) in zip(recipients, dueBy) where due >= 0 {
                AgencyID(recipient).map { receipt.dueBy[$0] = Date(millis: due) }
            }
            found[id] = (digest, receipt)
        }
        return found
    }

    /// Indexes subject tokens for `events(matching:)`, each pair once.
    func indexSubjects(_ subjects: [(token: String, messageID: UUID)], on connection: PostgresConnection) async throws {
        guard !subjects.isEmpty else { return }
        try await connection.rows("""
            INSERT INTO event_subjects (token, message_id)
            SELECT * FROM unnest(\(subjects.map(\.token)), \(subjects.map(\.messageID)))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
