public import Foundation
public import ShareModel
import ShareStore

/// Reading a stored message again: for its sender, and for a recipient it was delivered to;
/// and for the broker itself.
extension SQLiteStore {
    public func storedMessages(_ ids: [UUID]) async throws -> [RetrievedMessage] {
        try await reader.run { connection in
            try connection.control("BEGIN")
            defer { try? connection.control("COMMIT") }
            var messages: [RetrievedMessage] = []
            for id in ids {
                let select = try connection.statement(
                    "SELECT type, sender, received_at, expires_at, respond_by, jws FROM messages WHERE id = ? AND purged_at IS NULL")
                    .bind(id)
                if try select.step(), let sender = AgencyID(select.text(1)) {
                    messages.append(RetrievedMessage(
                        id: id, type: select.text(0), sender: sender, receivedAt: Date(millis: select.int(2)),
                        expiresAt: select.optionalInt(3).map(Date.init(millis:)), respondBy: select.optionalInt(4).map(Date.init(millis:)),
                        jws: select.data(5)))
                }
                select.reset()
            }
            return messages
        }
    }

    public func retrieve(message id: UUID, by agency: AgencyID, at time: Date) async throws -> RetrievedMessage? {
        try await writer.run { connection in
            let select = try connection.statement("""
                SELECT m.type, m.sender, m.received_at, m.expires_at, m.respond_by, m.jws,
                    (SELECT d.id FROM deliveries d
                     WHERE d.message_index = m.audit_index AND d.recipient = ?2 AND d.first_delivered_at IS NOT NULL),
                    m.purged_at
                FROM messages m WHERE m.id = ?1
                """)
                .bind(id, agency.rawValue)
            guard try select.step(), let sender = AgencyID(select.text(1)) else { return nil }
            let deliveryID = select.optionalText(6).flatMap(UUID.init(text:))
            guard sender == agency || deliveryID != nil else { return nil }
            let purgedAt = select.optionalInt(7).map(Date.init(millis:))
            let message = RetrievedMessage(
                id: id, type: select.text(0), sender: sender, receivedAt: Date(millis: select.int(2)),
                expiresAt: select.optionalInt(3).map(Date.init(millis:)), respondBy: select.optionalInt(4).map(Date.init(millis:)),
                jws: select.data(5), purgedAt: purgedAt)
            select.reset()
            guard purgedAt == nil else { return message }
            _ = try Self.appendEvents([EventRecord(kind: .retrieved, at: time, agency: agency, messageID: id, deliveryID: deliveryID)],
                                      on: connection)
            return message
        }
    }
}
