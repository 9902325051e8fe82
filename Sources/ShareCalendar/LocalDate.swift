import Foundation
import ShareModel

/// A date on a wall calendar ("2027-03-29"), with no time and no time zone: the unit in which
/// bank holidays, terms and INSET days are published.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The year, such as 2027.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int

    /// Reads an RFC 3339 full-date ("2027-03-29"); `nil` when the text is not a real date.
    public init?(_ text: String) {
        guard Timestamp.isFullDate(text) else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        (year, month, day) = (parts[0], parts[1], parts[2])
    }

    /// The date an instant falls on in `calendar`'s time zone.
    init(_ instant: Date, in calendar: Calendar) {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        (year, month, day) = (parts.year!, parts.month!, parts.day!)
    }

    /// The day after this one.
    public var next: LocalDate {
        LocalDate(Self.utc.date(byAdding: .day, value: 1, to: utcNoon)!, in: Self.utc)
    }

    /// Saturday or Sunday.
    public var isWeekend: Bool {
        Self.utc.isDateInWeekend(utcNoon)
    }

    /// The English name of the day of the week ("Saturday"), for error messages.
    var weekdayName: String {
        Self.utc.weekdaySymbols[Self.utc.component(.weekday, from: utcNoon) - 1]
    }

    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    private var utcNoon: Date {
        Self.utc.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
    }

    /// Weekdays and day arithmetic do not depend on the zone; UTC has no summer time to trip on.
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        calendar.locale = Locale(identifier: "en_GB")
        return calendar
    }()
}

/// A wall-clock time of day, such as the start of the school day.
public struct TimeOfDay: Sendable, Hashable, CustomStringConvertible {
    /// The hour, 0 to 23.
    public let hour: Int
    /// The minute, 0 to 59.
    public let minute: Int

    /// Reads "HH:MM" on the 24-hour clock ("08:30"); `nil` otherwise.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute) else {
            return nil
        }
        (self.hour, self.minute) = (hour, minute)
    }

    public var description: String {
        String(format: "%02d:%02d", hour, minute)
    }
}
