public import Foundation

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
