public import Foundation

/// Conditions on events; each one given must hold.
public struct EventFilter: Sendable, Equatable {
    /// Every event about a message whose subject has this keyed token: the tokens of a stored
    /// message's `published` event, and those `Store.record(_:)` indexed (a refused message's).
    public var subjectToken: String?
    /// Events by this agency, or routing a message to it: its `agency` or its `recipient` is
    /// this agency (a refusal's `recipients` are not searched).
    public var agency: AgencyID?
    /// Every event about this message (its `messageID`), including a refusal of a message never stored.
    public var messageID: UUID?
    public var kind: EventRecord.Kind?
    /// At or after this time.
    public var from: Date?
    /// Before this time.
    public var to: Date?
    /// At or after this index.
    public var fromIndex: Int

    public init(subjectToken: String? = nil, agency: AgencyID? = nil, messageID: UUID? = nil, kind: EventRecord.Kind? = nil,
                from: Date? = nil, to: Date? = nil, fromIndex: Int = 0) {
        self.subjectToken = subjectToken
        self.agency = agency
        self.messageID = messageID
        self.kind = kind
        self.from = from
        self.to = to
        self.fromIndex = fromIndex
    }
}
