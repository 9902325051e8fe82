public import Foundation

/// An agency's standing request to receive every message of some types in some areas,
/// optionally narrowed by filters on envelope fields.
public struct Subscription: Sendable, Equatable, Codable {
    public let id: UUID
    public let agency: AgencyID
    /// Message types, written `name/N`.
    public let types: [String]
    /// ONS area codes.
    public let areas: [String]
    /// Every filter must hold for a message to match.
    public let filters: [SubscriptionFilter]
    public let createdAt: Date

    public init(id: UUID, agency: AgencyID, types: [String], areas: [String], filters: [SubscriptionFilter], createdAt: Date) {
        self.id = id
        self.agency = agency
        self.types = types
        self.areas = areas
        self.filters = filters
        self.createdAt = createdAt
    }
}

/// A condition on one envelope field: the string at `pointer` is one of `values`.
public struct SubscriptionFilter: Sendable, Equatable, Codable {
    /// A JSON Pointer into the envelope, such as `/payload/urgency`.
    public let pointer: String
    public let values: [String]

    public init(pointer: String, values: [String]) {
        self.pointer = pointer
        self.values = values
    }
}
