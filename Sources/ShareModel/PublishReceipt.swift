public import Foundation

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
    /// Newly stored and durable. `handedOut` places each delivery handed out in the publish
    /// transaction (to the recipient's streams) in its recipient's sequence; empty when the
    /// message has none.
    case stored(PublishReceipt, handedOut: [StreamHandOut] = [])
    /// The same id and the same bytes were stored before; this is the first answer.
    case replayed(PublishReceipt)
    /// The id is taken by a message with different bytes.
    case conflict
    /// The message references documents (`NewMessage.attachments`) its sender does not hold,
    /// these, in the message's order; nothing of it was stored.
    case attachmentsMissing([AttachmentDigest])
}

/// A delivery handed out to its recipient's streams in the transaction that stored its message,
/// placed in the recipient's sequence: a stream that has sent every delivery of the recipient up
/// to `previous` may send this one next without reading the store, because every delivery of
/// the recipient between `previous` and `sequence` was already acknowledged when it was stored.
public struct StreamHandOut: Sendable, Equatable {
    public let deliveryID: UUID
    public let recipient: AgencyID
    /// The delivery's sequence (`InboxDelivery.sequence`).
    public let sequence: Int
    /// The sequence of the recipient's latest delivery before this one that was not
    /// acknowledged when this one was stored; 0 if there was none.
    public let previous: Int

    public init(deliveryID: UUID, recipient: AgencyID, sequence: Int, previous: Int) {
        self.deliveryID = deliveryID
        self.recipient = recipient
        self.sequence = sequence
        self.previous = previous
    }
}
