public import Foundation
public import ShareModel
import ShareStore

/// The answer to a flag query: the subject's active flags and who owns each.
public struct FlagAnswer: Sendable, Encodable {
    public struct Flag: Sendable, Encodable {
        /// The id of the message that set the flag.
        public let flag: String
        public let kind: String
        public let startDate: String
        public let endDate: String?
        /// The owning agency's directory id and name.
        public let owner: Owner
        /// The owning team and how to reach it, as the flag gives them.
        public let owningTeam: JSONValue
        public let area: String
    }

    public struct Owner: Sendable, Encodable {
        public let agency: String
        public let name: String?
    }

    public let queriedAt: Date
    public let setting: String
    /// Active on the area's date at `queriedAt`; empty when the subject has none.
    public let flags: [Flag]

    init(_ flags: [ChildProtectionFlag], setting: String, at time: Date, names: (AgencyID) -> String?) {
        queriedAt = time
        self.setting = setting
        self.flags = flags.map {
            Flag(flag: $0.id.lowercasedString, kind: $0.kind, startDate: $0.startDate, endDate: $0.endDate,
                 owner: Owner(agency: $0.owner.rawValue, name: names($0.owner)), owningTeam: $0.owningTeam, area: $0.area)
        }
    }
}

/// One query about a subject's flags, as its `flag-queried` entry in the audit log records it.
public struct FlagAccess: Sendable, Encodable {
    /// The agency that asked.
    public let queriedBy: String
    public let at: Date
    public let setting: String
    /// The flags' owner that was told (absent when no flag was active).
    public let owner: String?
    /// The owner's flags the answer named.
    public let flags: [String]
    /// The `flag-accessed/1` notice sent to the owner, if any.
    public let notice: String?
    /// Index of the `flag-queried` entry in the audit log.
    public let auditIndex: Int

    init?(_ entry: StoredEvent) {
        let event = entry.event
        guard event.kind == .flagQueried else { return nil }
        queriedBy = event.agency.rawValue
        at = event.at
        setting = event.setting ?? ""
        owner = event.recipient?.rawValue
        flags = (event.flags ?? []).map(\.lowercasedString)
        notice = event.recipient == nil ? nil : event.messageID?.lowercasedString
        auditIndex = entry.index
    }
}

/// An agency's view of flag queries: those about its own flags, and those it made.
public struct FlagAccesses: Sendable, Encodable {
    /// Queries by any agency whose answer named the caller's flags, oldest first.
    public let ofYourFlags: [FlagAccess]
    /// Queries the caller made, oldest first.
    public let byYou: [FlagAccess]

    /// Sorts `entries` (the caller's `flag-queried` entries, as agency or as owner) for `agency`.
    init(_ entries: [StoredEvent], for agency: AgencyID) {
        ofYourFlags = entries.filter { $0.event.recipient == agency }.compactMap(FlagAccess.init)
        byYou = entries.filter { $0.event.agency == agency }.compactMap(FlagAccess.init)
    }
}
