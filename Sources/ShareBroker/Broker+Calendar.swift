import Foundation
import ShareCalendar
import ShareModel

/// The answer to a deadline query: when something that happened at `from` in `area` is due.
public struct CalendarDeadline: Sendable, Encodable {
    /// The ONS area code asked about.
    public let area: String
    /// The rule, as `DeadlineRule` writes it (`next-school-day`, `working-days:5`).
    public let rule: String
    /// RFC 3339 UTC.
    public let from: String
    /// RFC 3339 UTC.
    public let dueBy: String
}

extension Broker {
    /// When something that happened at `from` (RFC 3339; now if nil) in `area` is due under
    /// `rule` (`next-school-day` or `working-days:N`). Refuses an unknown area, rule or time
    /// (naming what there is), and a deadline the area's calendar does not reach.
    public func deadline(area: String, rule ruleText: String, from fromText: String?) throws -> CalendarDeadline {
        let calendars = configuration.calendars
        guard let calendar = calendars[area] else {
            let known = calendars.keys.sorted()
            throw BrokerError(.badRequest, known.isEmpty
                ? "The broker has no calendars; its operators add them under \"calendars\" in its configuration."
                : "There is no calendar for area '\(area)'; the areas with calendars are \(known.joined(separator: ", ")).")
        }
        guard let rule = DeadlineRule(ruleText) else {
            throw BrokerError(.badRequest, "'\(ruleText)' is not a deadline rule; the rules are \(DeadlineRule.names).")
        }
        var from = clock.now()
        if let fromText {
            guard let instant = Timestamp.parse(fromText) else {
                throw BrokerError(.badRequest, "'from' must be an RFC 3339 date-time such as 2027-03-25T18:00:00Z, not '\(fromText)'.")
            }
            from = instant
        }
        let dueBy = try DeadlineCounter(calendars: calendars).dueBy(rule, from: from, area: area, calendar: calendar)
        return CalendarDeadline(area: area, rule: rule.description, from: Timestamp.format(from), dueBy: Timestamp.format(dueBy))
    }
}
