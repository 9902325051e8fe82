public import Foundation

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
