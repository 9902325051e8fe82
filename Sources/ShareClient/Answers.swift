public import Foundation
import ShareModel

/// The broker's answer to a publish.
public struct PublishAnswer: Sendable, Codable, Equatable {
    public struct Audit: Sendable, Codable, Equatable {
        /// Index of the message's `published` entry in the event record.
        public let index: Int
    }

    public let id: UUID
    public let recipients: [String]
    public let audit: Audit
    /// For a type with a delivery deadline: when each recipient must acknowledge, by agency id.
    public var dueBy: [String: String]? = nil
}

/// The answer to a batch publish: one result per message, in the order sent.
public struct BatchPublishAnswer: Sendable, Decodable, Equatable {
    /// One message's result: the status it would have had on its own, and its publish
    /// answer (201) or its problem.
    public struct Result: Sendable, Decodable, Equatable {
        public let status: Int
        public let id: UUID?
        public let recipients: [String]?
        public let audit: PublishAnswer.Audit?
        public let dueBy: [String: String]?
        /// True when this repeats the first answer to an identical resend.
        public let replayed: Bool?
        public let problem: Problem?

        /// The publish answer, or the refusal as an error.
        public func get() throws -> PublishAnswer {
            guard status == 201, let id, let recipients, let audit else {
                throw ShareClientError(status: status, problem: problem, reason: "The message was refused (\(status)).")
            }
            return PublishAnswer(id: id, recipients: recipients, audit: audit, dueBy: dueBy)
        }
    }

    public let results: [Result]
    public let accepted: Int
    public let refused: Int
}

/// A delivery from the inbox.
public struct Delivery: Sendable, Codable, Equatable {
    public let id: UUID
    public let messageId: UUID
    public let type: String
    public let sender: String
    /// The JWS exactly as the sender signed it (for an SD-JWT, with the disclosures this
    /// recipient may see); verify it with `DeliveryVerifier`.
    public let jws: String
    public let attempt: Int
    public let createdAt: String
    public let deliveredAt: String
    public let expiresAt: String?
    /// For an information request: when the broker expects the answer.
    public let respondBy: String?
    /// For a type with a delivery deadline: when the broker expects the acknowledgement.
    public var dueBy: String? = nil
}

extension Delivery {
    /// Reads the broker's delivery JSON as parsed by `JSONValue(parsing:)`, which is several
    /// times cheaper than `JSONDecoder` for a stream's many events; nil when a field is
    /// missing or of the wrong type.
    init?(json: JSONValue) {
        guard let id = json["id"]?.stringValue.flatMap(UUID.init(text:)),
              let messageId = json["messageId"]?.stringValue.flatMap(UUID.init(text:)),
              let type = json["type"]?.stringValue, let sender = json["sender"]?.stringValue,
              let jws = json["jws"]?.stringValue, case .number(let attempt)? = json["attempt"], let whole = Int(exactly: attempt),
              let createdAt = json["createdAt"]?.stringValue, let deliveredAt = json["deliveredAt"]?.stringValue else { return nil }
        let expiresAt = json["expiresAt"]
        let respondBy = json["respondBy"]
        let dueBy = json["dueBy"]
        guard [expiresAt, respondBy, dueBy].allSatisfy({ $0 == nil || $0?.stringValue != nil }) else { return nil }
        self.init(id: id, messageId: messageId, type: type, sender: sender, jws: jws, attempt: whole,
                  createdAt: createdAt, deliveredAt: deliveredAt, expiresAt: expiresAt?.stringValue,
                  respondBy: respondBy?.stringValue, dueBy: dueBy?.stringValue)
    }
}

/// One inbox fetch.
public struct InboxAnswer: Sendable, Codable {
    public let deliveries: [Delivery]
}

/// The answer to an acknowledgement.
public struct AcknowledgementAnswer: Sendable, Codable {
    public let id: UUID
    public let state: String
    public let acknowledgedAt: String
}

/// The answer to a batch acknowledgement.
public struct AcknowledgeManyAnswer: Sendable, Codable {
    public let acknowledged: [AcknowledgementAnswer]
    /// Ids that are not deliveries to the caller.
    public let notFound: [String]
}

/// A message's delivery state, for its sender.
public struct StatusAnswer: Sendable, Codable {
    public struct Recipient: Sendable, Codable {
        public let agency: String
        public let deliveryId: UUID
        /// pending, delivered, acknowledged or expired.
        public let state: String
        public let attempts: Int
        public let createdAt: String
        public let firstDeliveredAt: String?
        public let lastDeliveredAt: String?
        public let acknowledgedAt: String?
        /// For a type with a delivery deadline: when the recipient must acknowledge.
        public let dueBy: String?
    }

    /// A message that answers this one (its `inReplyTo`).
    public struct Answer: Sendable, Codable {
        public let agency: String
        public let messageId: UUID
        public let receivedAt: String
        /// True when it arrived after the request's `respondBy`.
        public let late: Bool?
    }

    public let id: UUID
    public let type: String
    public let receivedAt: String
    public let expiresAt: String?
    /// For an information request: when answers are due.
    public let respondBy: String?
    public let recipients: [Recipient]
    public let answers: [Answer]
    /// When the message's retention ended and its content was destroyed; nil while it is kept.
    public let purgedAt: String?
}

/// The partnership's agencies and their signing keys.
public struct DirectoryAnswer: Sendable, Codable {
    public struct Entry: Sendable, Codable {
        public let id: String
        public let name: String
        public let kind: String
        public let areas: [String]
        public let status: String
        public let keys: [JWKAnswer]
    }

    /// The broker's own keys: `auditKeys` verify signed tree heads, `signingKeys` its notices.
    public struct BrokerKeys: Sendable, Codable {
        public let auditKeys: [JWKAnswer]
        public let signingKeys: [JWKAnswer]
    }

    public let agencies: [Entry]
    public let broker: BrokerKeys
}

/// A public JWK as the directory lists it.
public struct JWKAnswer: Sendable, Codable, Equatable {
    public let kty: String
    public let crv: String
    public let x: String
    public let y: String
    public let kid: String?
    /// When the agency retired the key (RFC 3339): it verifies only messages the broker accepted before.
    public let retiredAt: String?
}
