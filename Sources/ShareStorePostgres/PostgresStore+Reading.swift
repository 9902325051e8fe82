public import Foundation
import PostgresNIO
public import ShareModel
import ShareStore

/// Who may read a message, reading it again, and its status as its sender sees it.
extension PostgresStore {
    public func isParty(to messageID: UUID, agency: AgencyID) async throws -> Bool {
        try await select { [self] connection in
            let rows = try await connection.rows("""
                SELECT EXISTS (SELECT 1 FROM messages WHERE id = \(messageID) AND sender = \(agency.rawValue))
                    OR EXISTS (SELECT 1 FROM deliveries
                               WHERE message_index = (SELECT audit_index FROM messages WHERE id = \(messageID))
                                 AND recipient = \(agency.rawValue))
                """, logger: logger)
            return try rows.first?.decode(Bool.self) ?? false
        }
    }

    public func retrieve(message id: UUID, by agency: AgencyID, at time: Date) async throws -> RetrievedMessage? {
        try await write { [self] connection, append in
            let rows = try await connection.rows("""
                SELECT m.type, m.sender, m.received_at, m.expires_at, m.respond_by, m.jws,
                    (SELECT d.id FROM deliveries d
                     WHERE d.message_index = m.audit_index AND d.recipient = \(agency.rawValue) AND d.first_delivered_at IS NOT NULL
                     ORDER BY d.seq LIMIT 1),
                    m.purged_at
                FROM messages m WHERE m.id = \(id)
                """, logger: logger)
            guard case let (type, senderName, receivedAt, expiresAt, respondBy, jws, deliveryID, purgedAt)? =
                    try rows.first?.decode((String, String, Int, Int?, Int?, Data, UUID?, Int?).self),
                  let sender = AgencyID(senderName), sender == agency || deliveryID != nil else { return nil }
            if let purgedAt {
                return RetrievedMessage(id: id, type: type, sender: sender, receivedAt: Date(millis: receivedAt),
                                        expiresAt: expiresAt.map(Date.init(millis:)), respondBy: respondBy.map(Date.init(millis:)),
                                        jws: Data(), purgedAt: Date(millis: purgedAt))
            }
            append.add([EventRecord(kind: .retrieved, at: time, agency: agency, messageID: id, deliveryID: deliveryID)])
            return RetrievedMessage(id: id, type: type, sender: sender, receivedAt: Date(millis: receivedAt),
                                    expiresAt: expiresAt.map(Date.init(millis:)), respondBy: respondBy.map(Date.init(millis:)), jws: jws)
        }
    }

    public func storedMessages(_ ids: [UUID]) async throws -> [RetrievedMessage] {
        try await read { [self] connection in
            var messages: [RetrievedMessage] = []
            for id in ids {
                let rows = try await connection.rows("""
                    SELECT type, sender, received_at, expires_at, respond_by, jws FROM messages WHERE id = \(id) AND purged_at IS NULL
                    """, logger: logger)
                guard case let (type, senderName, receivedAt, expiresAt, respondBy, jws)? =
                        try rows.first?.decode((String, String, Int, Int?, Int?, Data).self),
                      let sender = AgencyID(senderName) else { continue }
                messages.append(RetrievedMessage(
                    id: id, type: type, sender: sender, receivedAt: Date(millis: receivedAt),
                    expiresAt: expiresAt.map(Date.init(millis:)), respondBy: respondBy.map(Date.init(millis:)), jws: jws))
            }
            return messages
        }
    }

    public func messageStatus(id: UUID, sender: AgencyID, now: Date) async throws -> MessageStatus? {
        try await read { [self] connection in
            let message = try await connection.rows("""
                SELECT type, received_at, expires_at, respond_by, audit_index, purged_at FROM messages
                WHERE id = \(id) AND sender = \(sender.rawValue)
                """, logger: logger)
            guard case let (type, receivedAt, expiresAt, respondBy, auditIndex, purgedAt)? =
                    try message.first?.decode((String, Int, Int?, Int?, Int, Int?).self) else { return nil }
            let expiry = expiresAt.map(Date.init(millis:))
            let rows = try await connection.rows("""
                SELECT id, recipient, attempts, created_at, first_delivered_at, last_delivered_at, acknowledged_at, dead_lettered_at,
                    visible_at, due_by
                FROM deliveries WHERE message_index = \(auditIndex) ORDER BY seq
                """, logger: logger)
            var deliveries: [DeliveryStatus] = []
            for row in rows {
                let (deliveryID, recipient, attempts, createdAt, firstDelivered, lastDelivered, acknowledged, deadLettered, visibleAt, dueBy) =
                    try row.decode((UUID, String, Int, Int, Int?, Int?, Int?, Int?, Int, Int?).self)
                guard let recipient = AgencyID(recipient) else { continue }
                let lifecycle = DeliveryLifecycle(
                    attempts: attempts, visibleAt: Date(millis: visibleAt), expiresAt: expiry,
                    acknowledgedAt: acknowledged.map(Date.init(millis:)), deadLetteredAt: deadLettered.map(Date.init(millis:)),
                    firstDeliveredAt: firstDelivered.map(Date.init(millis:)))
                deliveries.append(DeliveryStatus(
                    id: deliveryID, recipient: recipient, state: lifecycle.state(at: now), attempts: attempts, createdAt: Date(millis: createdAt),
                    firstDeliveredAt: firstDelivered.map(Date.init(millis:)), lastDeliveredAt: lastDelivered.map(Date.init(millis:)),
                    acknowledgedAt: acknowledged.map(Date.init(millis:)), dueBy: dueBy.map(Date.init(millis:))))
            }
            let replies = try await connection.rows("""
                SELECT id, sender, received_at FROM messages WHERE in_reply_to = \(id) ORDER BY received_at, id
                """, logger: logger)
            var answers: [MessageAnswer] = []
            for row in replies {
                let (replyID, agency, receivedAt) = try row.decode((UUID, String, Int).self)
                guard let agency = AgencyID(agency) else { continue }
                answers.append(MessageAnswer(messageID: replyID, agency: agency, receivedAt: Date(millis: receivedAt)))
            }
            return MessageStatus(id: id, type: type, sender: sender, receivedAt: Date(millis: receivedAt), expiresAt: expiry,
                                 deliveries: deliveries, respondBy: respondBy.map(Date.init(millis:)), answers: answers,
                                 purgedAt: purgedAt.map(Date.init(millis:)))
        }
    }
}
