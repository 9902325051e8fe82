/// Syntax check for RFC 3339 section 5.6 `date-time` values, without Foundation dates.
///
/// Accepted: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` with an upper-case `T` and `Z`,
/// a real calendar day (leap years counted), hours 00-23, minutes 00-59 and seconds 00-60
/// (60 for a leap second). The broker writes UTC with milliseconds, e.g. `2025-03-01T09:30:00.000Z`.
enum RFC3339 {
    static func isValidDateTime(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        var position = 0

        func number(_ digits: Int) -> Int? {
            guard position + digits <= chars.count else { return nil }
            var value = 0
            for char in chars[position..<position + digits] {
                guard char >= UInt8(ascii: "0"), char <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(char - UInt8(ascii: "0"))
            }
            position += digits
            return value
        }
        func literal(_ char: Character) -> Bool {
            guard position < chars.count, let ascii = char.asciiValue, chars[position] == ascii else { return false }
            position += 1
            return true
        }

        guard let year = number(4), literal("-"), let month = number(2), literal("-"), let day = number(2),
              literal("T"), let hour = number(2), literal(":"), let minute = number(2), literal(":"),
              let second = number(2) else { return false }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return false }
        if literal(".") {
            let fractionStart = position
            while position < chars.count, chars[position] >= UInt8(ascii: "0"), chars[position] <= UInt8(ascii: "9") {
                position += 1
            }
            guard position > fractionStart else { return false }
        }
        if literal("Z") {
            return position == chars.count
        }
        guard literal("+") || literal("-"), let offsetHour = number(2), literal(":"), let offsetMinute = number(2),
              offsetHour <= 23, offsetMinute <= 59 else { return false }
        return position == chars.count
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}
