import Foundation
import ShareCatalogue
import ShareJWS
import ShareModel
import ShareStore

/// A message the broker sends on its own account, signed with its notice key.
struct Notice {
    let envelope: Envelope
    let jws: Data
    let recipients: [AgencyID]
}

/// Writes the broker's notices as signed envelopes of the catalogue's `delivery-failed/1` and
/// `response-overdue/1`, each about the subject of the message it concerns.
struct NoticeWriter {
    let key: BrokerSigningKey
    let catalogue: MessageCatalogue

    /// Tells the sender of an expired message which recipients never acknowledged it.
    func deliveryFailed(_ expired: ExpiredMessage, at now: Date) throws -> Notice {
        let recipients = expired.unacknowledged.map { item in
            JSONValue.object([
                "agency": .string(item.recipient.rawValue), "state": .string(item.delivered ? "delivered" : "pending"),
                "attempts": .number(Double(item.attempts)),
            ])
        }
        return try write(
            type: "delivery-failed/1", about: expired.message, to: [expired.message.sender], at: now,
            rationale: "The broker tells the sender which recipients did not acknowledge the message before it expired.",
            payload: [
                "messageId": .string(expired.message.id.lowercasedString), "messageType": .string(expired.message.type),
                "expiredAt": .string(Timestamp.format(expired.expiresAt)), "notAcknowledged": .array(recipients),
            ])
    }

    /// Tells the requester, and the policy's escalation recipient, who has not answered in time.
    func responseOverdue(_ request: OverdueRequest, notAnswered: [AgencyID], to recipients: [AgencyID], at now: Date) throws -> Notice {
        try write(
            type: "response-overdue/1", about: request.message, to: recipients, at: now,
            rationale: "The broker escalates an information request whose answers are overdue.",
            payload: [
                "requestId": .string(request.message.id.lowercasedString), "requestType": .string(request.message.type),
                "requester": .string(request.message.sender.rawValue), "respondBy": .string(Timestamp.format(request.respondBy)),
                "notAnswered": .array(notAnswered.map { .string($0.rawValue) }),
                "answered": .array(request.answered.map { .string($0.rawValue) }),
            ])
    }

    private func write(type: String, about message: DueMessage, to recipients: [AgencyID], at now: Date,
                       rationale: String, payload: [JSONKey: JSONValue]) throws -> Notice {
        let original = try JSONValue(parsing: try CompactJWS(compact: message.jws).payload)
        let time = JSONValue.string(Timestamp.format(now))
        let document = JSONValue.object([
            "id": .string(UUID.random().lowercasedString), "type": .string(type), "sender": .string(AgencyID.broker.rawValue),
            "to": .array(recipients.map { .string($0.rawValue) }), "area": .string(message.area),
            "subject": original["subject"] ?? .object([:]),
            "disclosure": .object([
                "purpose": .string("notification"), "lawfulBasis": .string("public-task"),
                "consent": .object([
                    "status": .string("not-required"),
                    "reason": .string("A notice from the broker to an agency about its own message; no information about the subject is newly shared."),
                ]),
                "decidedBy": .object(["name": .string(AgencyID.broker.rawValue), "role": .string("Message broker")]),
                "decidedAt": time, "rationale": .string(rationale),
            ]),
            "sentAt": time, "payload": .object(payload),
        ])
        let bytes = try ShareJSON.encoder().encode(document)
        let problems = catalogue.problems(in: document)
        guard problems.isEmpty else {
            throw NoticeError(description: "A \(type) notice does not match its schema at \(problems.map(\.pointer)).")
        }
        guard case .success(let envelope) = EnvelopeReader().read(document) else {
            throw NoticeError(description: "A \(type) notice is not a readable envelope.")
        }
        return Notice(envelope: envelope, jws: Data(try key.sign(bytes).utf8), recipients: recipients)
    }
}

/// A notice the broker could not write: a fault in the broker, never in a message.
struct NoticeError: Error, CustomStringConvertible {
    let description: String
}
