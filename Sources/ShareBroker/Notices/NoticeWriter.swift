import Foundation
import ShareCatalogue
import ShareJWS
import ShareModel
import ShareStore

/// Why deliveries of a message ended without an acknowledgement.
enum DeliveryFailure {
    /// The message expired at this time.
    case expired(Date)
    /// The recipient was handed it `delivery.maxAttempts` times.
    case attemptsExhausted
}

/// A message the broker sends on its own account, signed with its notice key.
struct Notice {
    let envelope: Envelope
    let jws: Data
    let recipients: [AgencyID]
}

/// Writes the broker's notices as signed envelopes of the catalogue's `delivery-failed/1`,
/// `delivery-overdue/1`, `response-overdue/1` and `flag-accessed/1`, each about the subject of the message it concerns.
struct NoticeWriter {
    let key: BrokerSigningKey
    let catalogue: MessageCatalogue

    /// Tells the sender (and `recipients`) which recipients of a message will never acknowledge
    /// it, and why.
    func deliveryFailed(_ message: DueMessage, _ failure: DeliveryFailure, notAcknowledged: [ExpiredMessage.Unacknowledged],
                        to recipients: [AgencyID], at now: Date) throws -> Notice {
        let items = notAcknowledged.map { item in
            JSONValue.object([
                "agency": .string(item.recipient.rawValue), "state": .string(item.delivered ? "delivered" : "pending"),
                "attempts": .number(Double(item.attempts)),
            ])
        }
        var payload: [JSONKey: JSONValue] = [
            "messageId": .string(message.id.lowercasedString), "messageType": .string(message.type),
            "notAcknowledged": .array(items),
        ]
        let rationale: String
        switch failure {
        case .expired(let time):
            payload["reason"] = .string("expired")
            payload["expiredAt"] = .string(Timestamp.format(time))
            rationale = "The broker tells the sender which recipients did not acknowledge the message before it expired."
        case .attemptsExhausted:
            payload["reason"] = .string("attempts-exhausted")
            payload["deadLetteredAt"] = .string(Timestamp.format(now))
            rationale = "The broker tells the sender which recipients were handed the message the most times allowed without acknowledging it."
        }
        return try write(type: "delivery-failed/1", about: message, to: recipients, at: now, rationale: rationale, payload: payload)
    }

    /// Tells the sender (and `recipients`) which recipients have not acknowledged a message by
    /// their deliveries' `dueBy`.
    func deliveryOverdue(_ message: DueMessage, _ pastDue: [PastDueDelivery], to recipients: [AgencyID], at now: Date) throws -> Notice {
        let items = pastDue.map { item in
            JSONValue.object([
                "agency": .string(item.recipient.rawValue), "dueBy": .string(Timestamp.format(item.dueBy)),
                "state": .string(item.attempts > 0 ? "delivered" : "pending"), "attempts": .number(Double(item.attempts)),
            ])
        }
        return try write(
            type: "delivery-overdue/1", about: message, to: recipients, at: now,
            rationale: "The broker tells the sender which recipients have not acknowledged the message by its deadline.",
            payload: [
                "messageId": .string(message.id.lowercasedString), "messageType": .string(message.type),
                "notAcknowledged": .array(items),
            ])
    }

    /// Tells the requester, the policy's escalation recipient and the agencies that have not
    /// answered (chasing them) who has not answered in time.
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

    /// Tells a flag's owner that `agency` asked, from `setting`, about the subject of its `flags`
    /// (all the owner's, on one subject) and was told of them.
    func flagAccessed(_ flags: [ChildProtectionFlag], by agency: AgencyID, from setting: String, at now: Date) throws -> Notice {
        try write(
            type: MessageType.flagAccessed.description, subject: flags[0].subject, area: flags[0].area, to: [flags[0].owner], at: now,
            consentReason: "A notice from the broker to the owner of a flag that the flag was looked at; no information about the subject is newly shared.",
            rationale: "The broker tells the owner of a child-protection flag each time a health agency asks about it.",
            payload: [
                "accessedBy": .string(agency.rawValue), "accessedAt": .string(Timestamp.format(now)), "setting": .string(setting),
                "flags": .array(flags.map { .object(["flag": .string($0.id.lowercasedString), "kind": .string($0.kind)]) }),
            ])
    }

    private func write(type: String, about message: DueMessage, to recipients: [AgencyID], at now: Date,
                       rationale: String, payload: [JSONKey: JSONValue]) throws -> Notice {
        let original = try SignedBody(message.jws).opened().document
        return try write(
            type: type, subject: original["subject"] ?? .object([:]), area: message.area, to: recipients, at: now,
            consentReason: "A notice from the broker to an agency about its own message; no information about the subject is newly shared.",
            rationale: rationale, payload: payload)
    }

    private func write(type: String, subject: JSONValue, area: String, to recipients: [AgencyID], at now: Date,
                       consentReason: String, rationale: String, payload: [JSONKey: JSONValue]) throws -> Notice {
        let time = JSONValue.string(Timestamp.format(now))
        let document = JSONValue.object([
            "id": .string(UUID.random().lowercasedString), "type": .string(type), "sender": .string(AgencyID.broker.rawValue),
            "to": .array(recipients.map { .string($0.rawValue) }), "area": .string(area),
            "subject": subject,
            "disclosure": .object([
                "purpose": .string("notification"), "lawfulBasis": .string("public-task"),
                "consent": .object([
                    "status": .string("not-required"),
                    "reason": .string(consentReason),
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
