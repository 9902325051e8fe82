/// The `format` values this validator asserts; any other format name is an annotation and passes.
enum StringFormat: String, Sendable {
    case date
    case dateTime = "date-time"
    case time
    case email
    case uri
    case uuid
    case nhsNumber = "nhs-number"

    func accepts(_ text: String) -> Bool {
        switch self {
        case .date: RFC3339.isFullDate(text)
        case .dateTime: RFC3339.isDateTime(text)
        case .time: RFC3339.isFullTime(text)
        case .email: Self.isEmail(text)
        case .uri: Self.isAbsoluteURI(text)
        case .uuid: Self.isUUID(text)
        case .nhsNumber: NHSNumber.check(text) == .valid
        }
    }

    /// What the value must look like, as the end of a sentence starting with its name.
    func requirement(for text: String) -> String {
        switch self {
        case .date:
            "must be a real calendar date written YYYY-MM-DD (RFC 3339 full-date), such as 2025-01-31."
        case .dateTime:
            "must be a date and time in RFC 3339 form with seconds and a time zone, such as 2025-01-31T09:30:00Z or 2025-01-31T09:30:00+01:00."
        case .time:
            "must be a time in RFC 3339 form with seconds and a time zone, such as 09:30:00Z or 09:30:00+01:00."
        case .email:
            "must be an email address: a local part and a domain separated by a single @, with no spaces."
        case .uri:
            "must be an absolute URI (RFC 3986) starting with a scheme, such as https://example.org/path, with any other character percent-encoded."
        case .uuid:
            "must be a UUID written as 8-4-4-4-12 hexadecimal digits, such as 2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11."
        case .nhsNumber:
            NHSNumber.check(text) == .malformed
                ? "must be an NHS number: exactly ten digits, with no spaces; this value is not."
                : "must be an NHS number: ten digits whose last is the modulus 11 check digit of the first nine; this value fails the check."
        }
    }

    /// A local part and a domain separated by exactly one `@`, both non-empty, no whitespace.
    private static func isEmail(_ text: String) -> Bool {
        var atSigns = 0
        var localLength = 0
        var domainLength = 0
        for scalar in text.unicodeScalars {
            if scalar == "@" {
                atSigns += 1
            } else if isSpaceOrControl(scalar.value) {
                return false
            } else if atSigns == 0 {
                localLength += 1
            } else {
                domainLength += 1
            }
        }
        return atSigns == 1 && localLength > 0 && domainLength > 0
    }

    /// ECMA-262 white space and line terminators, plus control characters.
    private static func isSpaceOrControl(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0...0x20, 0x7F...0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: true
        default: false
        }
    }

    /// RFC 3986 `absolute-URI` shape: a scheme, `:`, then only URI characters and valid %-escapes.
    private static func isAbsoluteURI(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isAbsoluteURI(bytes: $0) }
    }

    private static func isAbsoluteURI(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let colon = bytes.firstIndex(of: 0x3A), colon > 0, isAlpha(bytes[0]) else { return false }
        for byte in bytes[1..<colon] {
            guard isAlpha(byte) || isDigit(byte) || byte == 0x2B || byte == 0x2D || byte == 0x2E else { return false }
        }
        var index = colon + 1
        var fragments = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x25 {
                guard index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) else { return false }
                index += 3
                continue
            }
            if byte == 0x23 { fragments += 1 }
            guard fragments <= 1, isURICharacter(byte) else { return false }
            index += 1
        }
        return true
    }

    private static func isURICharacter(_ byte: UInt8) -> Bool {
        if isAlpha(byte) || isDigit(byte) { return true }
        // unreserved "-._~", gen-delims ":/?#[]@", sub-delims "!$&'()*+,;="
        return "-._~:/?#[]@!$&'()*+,;=".utf8.contains(byte)
    }

    /// 8-4-4-4-12 hexadecimal digits.
    private static func isUUID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == 0x2D else { return false }
            } else if !isHex(byte) {
                return false
            }
        }
        return true
    }

    static func isAlpha(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) }
}

/// RFC 3339 section 5.6 dates and times.
enum RFC3339 {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func isFullDate(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.count == 10 && fullDate(bytes, from: 0) }
    }

    static func isFullTime(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in fullTime(bytes, from: 0) }
    }

    static func isDateTime(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count > 11, bytes[10] == 0x54 || bytes[10] == 0x74 else { return false }
            return fullDate(bytes, from: 0) && fullTime(bytes, from: 11)
        }
    }

    /// `YYYY-MM-DD` at `start`, a real calendar date (leap years included).
    private static func fullDate(_ bytes: Bytes, from start: Int) -> Bool {
        guard bytes.count >= start + 10, bytes[start + 4] == 0x2D, bytes[start + 7] == 0x2D,
              let year = number(bytes, start, 4), let month = number(bytes, start + 5, 2),
              let day = number(bytes, start + 8, 2), (1...12).contains(month)
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

    /// `hh:mm:ss[.fraction](Z|±hh:mm)` from `start` to the end.
    private static func fullTime(_ bytes: Bytes, from start: Int) -> Bool {
        guard bytes.count >= start + 9, bytes[start + 2] == 0x3A, bytes[start + 5] == 0x3A,
              let hour = number(bytes, start, 2), let minute = number(bytes, start + 3, 2),
              let second = number(bytes, start + 6, 2), hour <= 23, minute <= 59, second <= 60
        else { return false }
        var index = start + 8
        if bytes[index] == 0x2E {
            index += 1
            let digitsStart = index
            while index < bytes.count, StringFormat.isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart, index < bytes.count else { return false }
        }
        switch bytes[index] {
        case 0x5A, 0x7A:
            return index + 1 == bytes.count
        case 0x2B, 0x2D:
            guard bytes.count == index + 6, bytes[index + 3] == 0x3A,
                  let offsetHour = number(bytes, index + 1, 2), let offsetMinute = number(bytes, index + 4, 2)
            else { return false }
            return offsetHour <= 23 && offsetMinute <= 59
        default:
            return false
        }
    }

    /// The decimal number in `count` ASCII digits at `start`.
    private static func number(_ bytes: Bytes, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            guard StringFormat.isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return value
    }
}
