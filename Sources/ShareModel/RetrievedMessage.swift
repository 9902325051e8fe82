public import Foundation

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
