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
