public import Foundation
public import ShareModel

/// Conditions on events; each one given must hold.
public struct EventFilter: Sendable, Equatable {
    /// Events of messages whose subject has this keyed token (see the `published` event's `subjects`).
    public var subjectToken: String?
    /// Events by this agency, or routing a message to it.
    public var agency: AgencyID?
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
