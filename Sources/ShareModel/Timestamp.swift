public import Foundation

/// RFC 3339 date-times as the envelope carries them ("2026-11-22T09:31:00Z", with or
/// without fractional seconds, with `Z` or a numeric offset).
public enum Timestamp {
    /// Parses an RFC 3339 date-time; `nil` when the text is not one.
    public static func parse(_ text: String) -> Date? {
        guard text.count >= 20, text.count <= 40 else { return nil }
        let bytes = Array(text.utf8)
        // Date and time separators are fixed by RFC 3339 section 5.6.
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                  let offsetHours = number(index + 1..<index + 3), let offsetMinutes = number(index + 4..<index + 6),
                  offsetHours < 24, offsetMinutes < 60 else { return nil }
            offsetSeconds = (offsetHours * 60 + offsetMinutes) * 60 * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = min(second, 59)
        guard let base = calendar.date(from: components),
              calendar.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(fraction - Double(offsetSeconds))
    }

    /// Formats a date as RFC 3339 in UTC with millisecond precision.
    public static func format(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = millis.quotient(dividingBy: 1000)
        let fraction = millis - seconds * 1000
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let digits = String(fraction + 1000).dropFirst()
        return whole.dropLast() + "." + digits + "Z"
    }

    /// Whether `text` is an RFC 3339 full-date ("2027-02-14").
    public static func isFullDate(_ text: String) -> Bool {
        guard text.utf8.count == 10 else { return false }
        return parse(text + "T00:00:00Z") != nil
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()
}

extension Int64 {
    /// Division rounding towards negative infinity, so times before 1970 format correctly too.
    fileprivate func quotient(dividingBy divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
