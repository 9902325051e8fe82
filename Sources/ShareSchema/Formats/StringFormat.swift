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
        case .email: EmailAddress.isMailbox(text)
        case .uri: URISyntax.isURI(text)
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
            "must be a date and time in RFC 3339 form with seconds and a time zone, such as 2025-01-31T09:30:00Z or 2025-01-31T09:30:00+01:00; second 60 only at 23:59 UTC."
        case .time:
            "must be a time in RFC 3339 form with seconds and a time zone, such as 09:30:00Z or 09:30:00+01:00; second 60 only at 23:59 UTC."
        case .email:
            "must be an email address (RFC 5321) such as alex.morgan@example.org: a local part, a single @, and a domain name or a bracketed IP address, with no spaces outside quotes."
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

    /// 8-4-4-4-12 hexadecimal digits.
    private static func isUUID(_ text: String) -> Bool {
        let bytes = text.utf8
        guard bytes.count == 36 else { return false }
        for (offset, byte) in bytes.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == 0x2D else { return false }
            } else if !ASCII.isHex(byte) {
                return false
            }
        }
        return true
    }
}
