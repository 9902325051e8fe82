public import Foundation
import PostgresNIO
public import ShareModel
public import ShareStore

/// Publishing: new messages, identical resends and taken ids.
extension PostgresStore {
    /// Stores each message as new without first looking for its id: resends are rare, and the
    /// `messages` key refuses a stored id, which runs the call again (`write(indexed:)`), this
    /// time looking for its ids first to answer a replay or a conflict. That saves a statement
    /// per message on the way every new message takes. Messages without attachments run no
    /// statement before the group's append (unless tried again).
    public func publish(_ messages: [NewMessage]) async throws -> [PublishOutcome] {
        let entries = messages.map { $0.events.map { $0.entryBytes() } }
        let referencesAttachments = messages.contains { !$0.attachments.isEmpty }
        return try await write(runsStatements: referencesAttachments, indexed: { [self] connection, append, keyTaken in
            let stored = keyTaken ? try await storedReceipts(messages.map(\.id), on: connection) : [:]
            var outcomes: [@Sendable (Appended) -> PublishOutcome] = []
            var references: [(messageID: UUID, digest: AttachmentDigest)] = []
            for (message, entries) in zip(messages, entries) {
                if let stored = stored[message.id] {
                    outcomes.append { _ in Self.resent(message, stored: stored) }
                } else if let (earlier, offset) = append.added(message.id) {
                    // Added by this call or by an earlier call of its group.
                    outcomes.append { appended in
                        earlier.digest == message.digest
                            ? .replayed(Self.receipt(of: earlier, auditIndex: appended.firstIndex + offset)) : .conflict
                    }
                } else if case let missing = try await missingAttachments(of: message, on: connection), !missing.isEmpty {
                    // A resend is answered as one even when its documents are gone.
                    let stored = keyTaken ? nil : try await storedReceipts([message.id], on: connection)[message.id]
                    outcomes.append { _ in stored.map { Self.resent(message, stored: $0) } ?? .attachmentsMissing(missing) }
                } else {
                    let offset = append.add(message, entries: entries)
                    outcomes.append { appended in
                        .stored(Self.receipt(of: message, auditIndex: appended.firstIndex + offset),
                                handedOut: message.deliveries.compactMap { appended.handedOut[$0.id] })
                    }
                    references += message.attachments.map { (message.id, $0) }
                }
            }
            try await recordReferences(references, on: connection)
            return { [outcomes] appended in outcomes.map { $0(appended) } }
        })
    }

    /// The answer to `message` sent again with the id of a stored one: a replay when the bytes
    /// are the same, else a conflict.
    private static func resent(_ message: NewMessage, stored: (digest: Data, receipt: PublishReceipt)) -> PublishOutcome {
        stored.digest == message.digest ? .replayed(stored.receipt) : .conflict
    }

    /// The receipt for a message stored now whose `published` entry is at `auditIndex`.
    private static func receipt(of message: NewMessage, auditIndex: Int) -> PublishReceipt {
        PublishReceipt(id: message.id, recipients: message.deliveries.map(\.recipient), auditIndex: auditIndex, dueBy: message.dueBy)
    }

    public func replayedReceipt(of id: UUID, digest: Data) async throws -> PublishReceipt? {
        try await select { [self] connection in
            try await storedReceipts([id], on: connection)[id].flatMap { $0.digest == digest ? $0.receipt : nil }
        }
    }

    /// The digest and first receipt of each stored message among `ids`.
    private func storedReceipts(_ ids: [UUID], on connection: PostgresConnection) async throws
        -> [UUID: (digest: Data, receipt: PublishReceipt)] {
        var binds = PostgresBindings(capacity: 1)
        binds.append(ids)
        let rows = try await connection.rows(StoredReceipts(bindings: binds), logger: logger)
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
}

/// The digest, audit index and recipients (with their deadlines, -1 for none) of each stored
/// message among the ids `$1`.
private struct StoredReceipts: PreparedQuery {
    let bindings: PostgresBindings

    static let sql = """
        SELECT m.id, m.digest, m.audit_index,
            ARRAY(SELECT d.recipient FROM deliveries d WHERE d.message_index = m.audit_index ORDER BY d.seq),
            ARRAY(SELECT coalesce(d.due_by, -1) FROM deliveries d WHERE d.message_index = m.audit_index ORDER BY d.seq)
        FROM messages m WHERE m.id = ANY($1::uuid[])
        """
}
