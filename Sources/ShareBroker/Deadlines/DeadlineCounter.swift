import Foundation
import ShareCalendar
import ShareModel

/// Counts deadlines on the broker's area calendars: the one place that decides which calendar
/// a deadline uses and what happens when no calendar can answer (README "Calendars and
/// deadlines"). A deadline is never guessed or dropped: one that cannot be counted is refused.
struct DeadlineCounter {
    /// Each area's calendar, by ONS code.
    let calendars: [String: AreaCalendar]

    /// When something that happened at `instant` is due under `deadline`, counted on the
    /// calendar of the first of `areas` that has one (hours need none). Throws
    /// `calendar-not-covered` (422) when none of the areas has a calendar or the calendar does
    /// not reach the deadline. Kept to the millisecond, as the stores keep times.
    func dueBy(_ deadline: Deadline, from instant: Date, areas: [String]) throws(BrokerError) -> Date {
        let due = try exactDueBy(deadline, from: instant, areas: areas)
        return Date(timeIntervalSince1970: (due.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    private func exactDueBy(_ deadline: Deadline, from instant: Date, areas: [String]) throws(BrokerError) -> Date {
        switch deadline {
        case .hours(let hours):
            return instant.addingTimeInterval(hours * 3600)
        case .calendar(let rule):
            guard let area = areas.first(where: { calendars[$0] != nil }), let calendar = calendars[area] else {
                var named = Set<String>()
                let missing = areas.filter { named.insert($0).inserted }.joined(separator: " or ")
                throw BrokerError(.calendarNotCovered, "The deadline '\(rule)' is counted on an area's calendar, and the broker has none for \(missing); nothing was stored. Ask the broker's operators to add the area's calendar (\"calendars\" in the configuration).")
            }
            return try dueBy(rule, from: instant, area: area, calendar: calendar)
        }
    }

    /// `rule` counted on `calendar` (the calendar of `area`), or `calendar-not-covered` naming
    /// what the calendar holds.
    func dueBy(_ rule: DeadlineRule, from instant: Date, area: String, calendar: AreaCalendar) throws(BrokerError) -> Date {
        guard let dueBy = calendar.dueBy(rule, from: instant) else {
            throw BrokerError(.calendarNotCovered, "Area \(area)'s calendar does not reach the '\(rule)' deadline from \(Timestamp.format(instant)) (its terms run from \(calendar.terms.first.map { "\($0.from)" } ?? "-") to \(calendar.terms.last.map { "\($0.to)" } ?? "-"), its bank holidays cover \(calendar.bankHolidayYears.lowerBound) to \(calendar.bankHolidayYears.upperBound)); ask the broker's operators to add the coming year's dates.")
        }
        return dueBy
    }
}
