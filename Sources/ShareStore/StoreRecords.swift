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

/// Where a delivery stream of an agency stands: it reads the agency's deliveries after `after`,
/// the sequence of the last it sent (or the one it resumes after).
public struct StreamCursor: Sendable, Hashable {
    public let agency: AgencyID
    public let after: Int

    public init(agency: AgencyID, after: Int) {
        self.agency = agency
        self.after = after
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
