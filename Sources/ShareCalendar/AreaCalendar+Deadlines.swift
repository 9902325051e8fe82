public import Foundation

/// A way of counting a deadline, as a query or a message type names it.
public enum DeadlineRule: Sendable, Hashable, CustomStringConvertible {
    /// Before the start of the next school day (Operation Encompass notifications).
    case nextSchoolDay
    /// By the end of the Nth working day (serious incident notifications: five).
    case workingDays(Int)

    /// The most working days a rule may count.
    public static let maxWorkingDays = 60

    /// The rules there are, for error messages.
    public static let names = "next-school-day, or working-days:N with N from 1 to \(maxWorkingDays)"

    /// Reads `next-school-day` or `working-days:N` (N from 1 to `maxWorkingDays`); `nil` otherwise.
    public init?(_ text: String) {
        if text == "next-school-day" {
            self = .nextSchoolDay
            return
        }
        let prefix = "working-days:"
        guard text.hasPrefix(prefix), let count = Int(text.dropFirst(prefix.count)),
              text.dropFirst(prefix.count).allSatisfy({ $0.isASCII && $0.isNumber }),
              (1...Self.maxWorkingDays).contains(count) else { return nil }
        self = .workingDays(count)
    }

    public var description: String {
        switch self {
        case .nextSchoolDay: "next-school-day"
        case .workingDays(let count): "working-days:\(count)"
        }
    }
}

extension AreaCalendar {
    /// When something that happened at `instant` is due under `rule`; `nil` when the answer
    /// depends on dates the calendar does not hold (term dates or bank holidays not yet listed).
    public func dueBy(_ rule: DeadlineRule, from instant: Date) -> Date? {
        switch rule {
        case .nextSchoolDay: nextSchoolDayStart(after: instant)
        case .workingDays(let count): workingDays(count, from: instant)
        }
    }

    /// "Before the start of the next school day": the start of the school day (local time) of
    /// the instant's own date, if that is a school day and `instant` is strictly before its
    /// start; otherwise the start of the first school day after the instant's local date.
    /// `nil` if that day is outside the terms listed (before the first or after the last).
    public func nextSchoolDayStart(after instant: Date) -> Date? {
        let today = localDate(of: instant)
        guard let first = terms.first, let last = terms.last else { return nil }
        var candidate = instant < self.instant(today, at: schoolDayStart) ? today : today.next
        guard candidate >= first.from else { return nil }
        while candidate <= last.to {
            if isSchoolDay(candidate) { return self.instant(candidate, at: schoolDayStart) }
            candidate = candidate.next
        }
        return nil
    }

    /// "Within N working days": day 1 is the first working day (Monday to Friday, not a bank
    /// holiday) after the instant's local date, whatever the time of day; the deadline is the end
    /// of day N, 23:59:59.999 local time. `nil` if a day counted falls in a year whose bank
    /// holidays are not listed.
    public func workingDays(_ count: Int, from instant: Date) -> Date? {
        var date = localDate(of: instant)
        var counted = 0
        while counted < count {
            date = date.next
            guard bankHolidayYears.contains(date.year) else { return nil }
            if isWorkingDay(date) { counted += 1 }
        }
        return self.instant(date, at: TimeOfDay.lastMinute, second: 59).addingTimeInterval(0.999)
    }
}

extension TimeOfDay {
    /// 23:59, the last minute of a day.
    static let lastMinute = TimeOfDay("23:59")!
}
