public import Foundation
public import ShareModel

/// A message the broker has accepted, with its deliveries and the events that record it,
/// to be committed in one transaction.
public struct NewMessage: Sendable {
    public let id: UUID
    public let sender: AgencyID
    public let type: String
    public let area: String
    /// SHA-256 of the JWS bytes exactly as received; tells a replay from a conflict.
    public let digest: Data
    public let jws: Data
    public let receivedAt: Date
    public let expiresAt: Date?
    public let deliveries: [NewDelivery]
    /// The `published` event first, then one `routed` event per delivery, then a `delivered`
    /// event per delivery handed out as it is published; then, for a notice, the event that
    /// caused it (the `flag-queried` entry of a `flag-accessed/1` notice).
    public let events: [EventRecord]
    /// For an information request: when answers are due.
    public let respondBy: Date?
    /// For an answer: the request it answers.
    public let inReplyTo: UUID?
    /// The digests of the attachments it references (its sender's uploads), each once.
    public let attachments: [AttachmentDigest]

    public init(id: UUID, sender: AgencyID, type: String, area: String, digest: Data, jws: Data, receivedAt: Date,
                expiresAt: Date?, deliveries: [NewDelivery], events: [EventRecord], respondBy: Date? = nil, inReplyTo: UUID? = nil,
                attachments: [AttachmentDigest] = []) {
        self.id = id
        self.sender = sender
        self.type = type
        self.area = area
        self.digest = digest
        self.jws = jws
        self.receivedAt = receivedAt
        self.expiresAt = expiresAt
        self.deliveries = deliveries
        self.events = events
        self.respondBy = respondBy
        self.inReplyTo = inReplyTo
        self.attachments = attachments
    }
    /// Each delivery's due time, by recipient (those with a deadline), as its receipt lists them.
    public var dueBy: [AgencyID: Date] {
        Dictionary(deliveries.compactMap { delivery in delivery.dueBy.map { (delivery.recipient, $0) } }, uniquingKeysWith: { first, _ in first })
    }
}

/// One copy of a message for one recipient.
public struct NewDelivery: Sendable {
    public let id: UUID
    public let recipient: AgencyID
    /// Set when the delivery is handed out in the publish transaction itself, to the
    /// recipient's open streams: it is stored as delivered once (attempt 1), hidden from the
    /// inbox until this time. The message's events must then include its `delivered` event.
    public let handedOutUntil: Date?
    /// When the recipient must have acknowledged it (the type's delivery deadline); nil for none.
    public let dueBy: Date?

    public init(id: UUID, recipient: AgencyID, handedOutUntil: Date? = nil, dueBy: Date? = nil) {
        self.id = id
        self.recipient = recipient
        self.handedOutUntil = handedOutUntil
        self.dueBy = dueBy
    }
}

/// A delivery a stream may send, read without changing anything.
public struct StreamCandidate: Sendable, Equatable {
    public let delivery: InboxDelivery
    /// True when the delivery was handed out to the recipient's streams as it was published
    /// and that hand-out is still the latest and still current (hidden from the inbox): a
    /// stream sends it as it is. Otherwise a stream must hand it out (`streamDeliveries`).
    public let handedOutAtPublish: Bool

    public init(delivery: InboxDelivery, handedOutAtPublish: Bool) {
        self.delivery = delivery
        self.handedOutAtPublish = handedOutAtPublish
    }
}

/// What the publisher is told, and told again on an identical replay.
public struct PublishReceipt: Sendable, Equatable, Codable {
    public let id: UUID
    public let recipients: [AgencyID]
    /// Index in the event record of the message's `published` event.
    public let auditIndex: Int
    /// Each delivery's due time, by recipient, for a type with a delivery deadline. Read back
    /// from the deliveries, not from a stored receipt.
    public var dueBy: [AgencyID: Date] = [:]

    private enum CodingKeys: String, CodingKey {
        case id, recipients, auditIndex
    }

    public init(id: UUID, recipients: [AgencyID], auditIndex: Int, dueBy: [AgencyID: Date] = [:]) {
        self.id = id
        self.recipients = recipients
        self.auditIndex = auditIndex
        self.dueBy = dueBy
    }
}

/// The result of committing a publish.
public enum PublishOutcome: Sendable, Equatable {
    /// Newly stored and durable.
    case stored(PublishReceipt)
    /// The same id and the same bytes were stored before; this is the first answer.
    case replayed(PublishReceipt)
    /// The id is taken by a message with different bytes.
    case conflict
    /// The message references documents (`NewMessage.attachments`) its sender does not hold,
    /// these, in the message's order; nothing of it was stored.
    case attachmentsMissing([AttachmentDigest])
}

/// A delivery handed to its recipient.
public struct InboxDelivery: Sendable, Equatable {
    public let id: UUID
    /// The delivery's place in the order deliveries were created (increasing, never reused):
    /// a stream's event id.
    public let sequence: Int
    public let messageID: UUID
    public let type: String
    public let sender: AgencyID
    public let jws: Data
    /// 1 on the first fetch, counting up each time it is handed out again.
    public let attempt: Int
    public let createdAt: Date
    public let deliveredAt: Date
    public let expiresAt: Date?
    /// For an information request: when answers are due (its own, or as its urgency allows).
    public let respondBy: Date?
    /// When the recipient must have acknowledged it (the type's delivery deadline).
    public let dueBy: Date?

    public init(id: UUID, sequence: Int, messageID: UUID, type: String, sender: AgencyID, jws: Data, attempt: Int,
                createdAt: Date, deliveredAt: Date, expiresAt: Date?, respondBy: Date?, dueBy: Date? = nil) {
        self.id = id
        self.sequence = sequence
        self.messageID = messageID
        self.type = type
        self.sender = sender
        self.jws = jws
        self.attempt = attempt
        self.createdAt = createdAt
        self.deliveredAt = deliveredAt
        self.expiresAt = expiresAt
        self.respondBy = respondBy
        self.dueBy = dueBy
    }

    /// The same delivery with another body (opened from its sealed form, or a recipient's copy).
    public func replacingJWS(_ jws: Data) -> InboxDelivery {
        InboxDelivery(id: id, sequence: sequence, messageID: messageID, type: type, sender: sender, jws: jws, attempt: attempt,
                      createdAt: createdAt, deliveredAt: deliveredAt, expiresAt: expiresAt, respondBy: respondBy, dueBy: dueBy)
    }
}

/// The state of one delivery as its sender may see it.
public struct DeliveryStatus: Sendable, Equatable {
    public enum State: String, Sendable, Codable {
        case pending
        case delivered
        case acknowledged
        case expired
        /// Handed out the maximum number of times without an acknowledgement.
        case deadLettered = "dead-lettered"
    }

    public let id: UUID
    public let recipient: AgencyID
    public let state: State
    public let attempts: Int
    public let createdAt: Date
    public let firstDeliveredAt: Date?
    public let lastDeliveredAt: Date?
    public let acknowledgedAt: Date?
    /// When the recipient must have acknowledged it (the type's delivery deadline).
    public let dueBy: Date?

    public init(id: UUID, recipient: AgencyID, state: State, attempts: Int, createdAt: Date,
                firstDeliveredAt: Date?, lastDeliveredAt: Date?, acknowledgedAt: Date?, dueBy: Date? = nil) {
        self.id = id
        self.recipient = recipient
        self.state = state
        self.attempts = attempts
        self.createdAt = createdAt
        self.firstDeliveredAt = firstDeliveredAt
        self.lastDeliveredAt = lastDeliveredAt
        self.acknowledgedAt = acknowledgedAt
        self.dueBy = dueBy
    }
}

/// A message and the state of each of its deliveries.
public struct MessageStatus: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let sender: AgencyID
    public let receivedAt: Date
    public let expiresAt: Date?
    public let deliveries: [DeliveryStatus]
    /// For an information request: when answers are due, and the answers so far.
    public let respondBy: Date?
    public let answers: [MessageAnswer]
    /// When its retention ended and its content was destroyed; nil while it is kept.
    public let purgedAt: Date?

    public init(id: UUID, type: String, sender: AgencyID, receivedAt: Date, expiresAt: Date?, deliveries: [DeliveryStatus],
                respondBy: Date? = nil, answers: [MessageAnswer] = [], purgedAt: Date? = nil) {
        self.id = id
        self.type = type
        self.sender = sender
        self.receivedAt = receivedAt
        self.expiresAt = expiresAt
        self.deliveries = deliveries
        self.respondBy = respondBy
        self.answers = answers
        self.purgedAt = purgedAt
    }
}

/// A stored message as its sender or one of its recipients reads it again.
public struct RetrievedMessage: Sendable, Equatable {
    public let id: UUID
    public let type: String
    public let sender: AgencyID
    public let receivedAt: Date
    public let expiresAt: Date?
    public let respondBy: Date?
    /// The JWS exactly as the sender signed it; empty once its retention has ended.
    public let jws: Data
    /// When its retention ended and its content was destroyed; nil while it is kept.
    public let purgedAt: Date?

    public init(id: UUID, type: String, sender: AgencyID, receivedAt: Date, expiresAt: Date?, respondBy: Date?, jws: Data,
                purgedAt: Date? = nil) {
        self.id = id
        self.type = type
        self.sender = sender
        self.receivedAt = receivedAt
        self.expiresAt = expiresAt
        self.respondBy = respondBy
        self.jws = jws
        self.purgedAt = purgedAt
    }

    /// The same message with another body (opened from its sealed form, or a recipient's copy).
    public func replacingJWS(_ jws: Data) -> RetrievedMessage {
        RetrievedMessage(id: id, type: type, sender: sender, receivedAt: receivedAt, expiresAt: expiresAt, respondBy: respondBy,
                         jws: jws, purgedAt: purgedAt)
    }
}

/// A message that answers another (its `inReplyTo`).
public struct MessageAnswer: Sendable, Equatable {
    public let messageID: UUID
    public let agency: AgencyID
    public let receivedAt: Date

    public init(messageID: UUID, agency: AgencyID, receivedAt: Date) {
        self.messageID = messageID
        self.agency = agency
        self.receivedAt = receivedAt
    }

    /// Whether an answer received at `receivedAt` is late for a request whose answers were due
    /// at `respondBy`: received after it (one received at that very instant is in time).
    public static func isLate(receivedAt: Date, respondBy: Date) -> Bool {
        receivedAt > respondBy
    }
}

/// The answer to an acknowledgement.
public struct Acknowledgement: Sendable, Equatable {
    public let deliveryID: UUID
    public let acknowledgedAt: Date
    /// False when the delivery had already been acknowledged (the first time is reported).
    public let isFirst: Bool

    public init(deliveryID: UUID, acknowledgedAt: Date, isFirst: Bool) {
        self.deliveryID = deliveryID
        self.acknowledgedAt = acknowledgedAt
        self.isFirst = isFirst
    }
}

/// A message's body as the store holds it, for re-wrapping under a new key.
public struct StoredBody: Sendable, Equatable {
    public let id: UUID
    /// The index of the message's `published` event.
    public let auditIndex: Int
    /// The bytes stored for the JWS: sealed, in clear (stored before encryption), or empty (destroyed).
    public let body: Data

    public init(id: UUID, auditIndex: Int, body: Data) {
        self.id = id
        self.auditIndex = auditIndex
        self.body = body
    }
}

/// A message whose retention may have ended.
public struct RetentionCandidate: Sendable, Equatable {
    public let id: UUID
    public let type: String
    /// When its last delivery was settled (acknowledged or dead-lettered), or it was received if it had none.
    public let settledAt: Date

    public init(id: UUID, type: String, settledAt: Date) {
        self.id = id
        self.type = type
        self.settledAt = settledAt
    }
}

/// A legal hold on a subject: while it is in force, no message about the subject is purged.
public struct LegalHold: Sendable, Equatable {
    /// The subject's token (see `SubjectTokens`), never its identifier.
    public let token: String
    public let placedAt: Date

    public init(token: String, placedAt: Date) {
        self.token = token
        self.placedAt = placedAt
    }
}
