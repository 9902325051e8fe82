/// RFC 3339 section 5.6 dates and times, for `date`, `date-time` and `time`.
enum RFC3339 {
    typealias Bytes = ASCII.Bytes

    static func isFullDate(_ text: String) -> Bool {
        ASCII.withBytes(text) { bytes in bytes.count == 10 && fullDate(bytes, from: 0) }
    }

    static func isFullTime(_ text: String) -> Bool {
        ASCII.withBytes(text) { bytes in fullTime(bytes, from: 0) }
    }

    static func isDateTime(_ text: String) -> Bool {
        ASCII.withBytes(text) { bytes in
            guard bytes.count > 11, bytes[10] == 0x54 || bytes[10] == 0x74 else { return false }
            return fullDate(bytes, from: 0) && fullTime(bytes, from: 11)
        }
    }

    /// `YYYY-MM-DD` at `start`, a real calendar date (leap years included).
    private static func fullDate(_ bytes: Bytes, from start: Int) -> Bool {
        guard bytes.count >= start + 10, bytes[start + 4] == 0x2D, bytes[start + 7] == 0x2D,
              let year = ASCII.number(bytes, start, 4), let month = ASCII.number(bytes, start + 5, 2),
              let day = ASCII.number(bytes, start + 8, 2), (1...12).contains(month)
        else { return false }
        return day >= 1 && day <= daysIn(month: month, year: year)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `hh:mm:ss[.fraction](Z|±hh:mm)` from `start` to the end. Second 60, a leap second, is
    /// allowed only where it can happen: at 23:59:60 UTC, that is after taking off the offset.
    private static func fullTime(_ bytes: Bytes, from start: Int) -> Bool {
        guard bytes.count >= start + 9, bytes[start + 2] == 0x3A, bytes[start + 5] == 0x3A,
              let hour = ASCII.number(bytes, start, 2), let minute = ASCII.number(bytes, start + 3, 2),
              let second = ASCII.number(bytes, start + 6, 2), hour <= 23, minute <= 59, second <= 60
        else { return false }
        var index = start + 8
        if bytes[index] == 0x2E {
            index += 1
            let digitsStart = index
            while index < bytes.count, ASCII.isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart, index < bytes.count else { return false }
        }
        guard let offset = offsetMinutes(bytes, from: index) else { return false }
        guard second == 60 else { return true }
        let minuteOfDayUTC = ((hour * 60 + minute - offset) % 1440 + 1440) % 1440
        return minuteOfDayUTC == 23 * 60 + 59
    }

    /// The time offset (`Z` or `±hh:mm`) filling the bytes from `start`, in minutes east of UTC.
    private static func offsetMinutes(_ bytes: Bytes, from start: Int) -> Int? {
        switch bytes[start] {
        case 0x5A, 0x7A:
            return start + 1 == bytes.count ? 0 : nil
        case 0x2B, 0x2D:
            guard bytes.count == start + 6, bytes[start + 3] == 0x3A,
                  let hours = ASCII.number(bytes, start + 1, 2), let minutes = ASCII.number(bytes, start + 4, 2),
                  hours <= 23, minutes <= 59
            else { return nil }
            return (bytes[start] == 0x2D ? -1 : 1) * (hours * 60 + minutes)
        default:
            return nil
        }
    }
}
