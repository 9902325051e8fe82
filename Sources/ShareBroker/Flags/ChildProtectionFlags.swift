public import Foundation
public import ShareModel

/// A child-protection flag: set by one `child-protection-flag/1` message (whose id is the
/// flag's), and perhaps ended by later ones from the same agency.
public struct ChildProtectionFlag: Sendable, Equatable {
    /// The id of the message that set the flag.
    public let id: UUID
    /// The agency that set it: the only one that may end it, and the one told of each query.
    public let owner: AgencyID
    /// `child-protection`, `looked-after` or `unborn-child-protection`.
    public let kind: String
    /// YYYY-MM-DD: active from this date.
    public let startDate: String
    /// YYYY-MM-DD: not active on or after this date (the earliest of the planned end and any end).
    public let endDate: String?
    /// The owning team as the flag names it: `name` and `contact`.
    public let owningTeam: JSONValue
    /// The flag's subject as its message gives it.
    public let subject: JSONValue
    public let area: String

    /// Whether the flag is active on `date` (YYYY-MM-DD, the area's local date).
    public func isActive(on date: String) -> Bool {
        startDate <= date && endDate.map { date < $0 } != false
    }
}

/// The flags that stored `child-protection-flag/1` messages make: each `set` is a flag, and an
/// `end` from the flag's owner brings its end date forward. Pure: no store, no clock.
public struct FlagLedger: Sendable {
    public let flags: [ChildProtectionFlag]

    /// Reads the flags from the envelopes of `child-protection-flag/1` messages, in any order;
    /// an end by anyone but the flag's owner, or of an unknown flag, changes nothing. The flags
    /// are in the order of their start dates.
    public init(_ messages: [Envelope]) {
        var ends: [UUID: [(owner: AgencyID, date: String)]] = [:]
        for message in messages where message.payload["action"]?.stringValue == "end" {
            if let flag = message.payload["flag"]?.stringValue.flatMap(UUID.init(text:)),
               let date = message.payload["endDate"]?.stringValue {
                ends[flag, default: []].append((message.sender, date))
            }
        }
        flags = messages.compactMap { message -> ChildProtectionFlag? in
            let payload = message.payload
            guard payload["action"]?.stringValue == "set", let kind = payload["kind"]?.stringValue,
                  let startDate = payload["startDate"]?.stringValue, let team = payload["owningTeam"] else { return nil }
            let endDates = [payload["endDate"]?.stringValue].compactMap(\.self)
                + (ends[message.id] ?? []).filter { $0.owner == message.sender }.map(\.date)
            return ChildProtectionFlag(id: message.id, owner: message.sender, kind: kind, startDate: startDate,
                                       endDate: endDates.min(), owningTeam: team, subject: message.subject, area: message.area)
        }.sorted { ($0.startDate, $0.id.lowercasedString) < ($1.startDate, $1.id.lowercasedString) }
    }
}
