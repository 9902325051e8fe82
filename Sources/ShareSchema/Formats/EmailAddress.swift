/// The `email` format: an RFC 5321 `Mailbox` (section 4.1.2), in ASCII.
///
/// A local part of dot-separated atoms (`joe.bloggs`, never a dot at either end or two
/// together) or a quoted string (`"joe bloggs"`), at most 64 bytes; an `@`; then a domain of
/// letter-digit-hyphen labels (none starting or ending with a hyphen, each at most 63 bytes,
/// 255 in all) or an address literal: `[127.0.0.1]` or `[IPv6:::1]`. Literals with other tags
/// (`General-address-literal`) are refused: IANA registers no tag but IPv6.
enum EmailAddress {
    static func isMailbox(_ text: String) -> Bool {
        ASCII.withBytes(text) { bytes in
            guard let at = localPartEnd(bytes), at <= 64, at < bytes.count, bytes[at] == 0x40 else { return false }
            let domain = bytes[(at + 1)...]
            return domain.first == 0x5B ? isAddressLiteral(domain) : isDomain(domain)
        }
    }

    /// Where the local part that starts the text ends, or nil if it does not start with one.
    private static func localPartEnd(_ bytes: ASCII.Bytes) -> Int? {
        if bytes.first == 0x22 { return quotedStringEnd(bytes) }
        var index = 0
        var atomLength = 0
        while index < bytes.count, bytes[index] != 0x40 {
            if bytes[index] == 0x2E {
                guard atomLength > 0 else { return nil }
                atomLength = 0
            } else {
                guard atext.contains(bytes[index]) else { return nil }
                atomLength += 1
            }
            index += 1
        }
        return atomLength > 0 ? index : nil
    }

    /// `Quoted-string`: printable ASCII between double quotes, `"` and `\` only escaped by `\`.
    private static func quotedStringEnd(_ bytes: ASCII.Bytes) -> Int? {
        var index = 1
        while index < bytes.count {
            switch bytes[index] {
            case 0x22:
                return index + 1
            case 0x5C:
                guard index + 1 < bytes.count, (0x20...0x7E).contains(bytes[index + 1]) else { return nil }
                index += 2
            case 0x20...0x7E:
                index += 1
            default:
                return nil
            }
        }
        return nil
    }

    /// `atext` (RFC 5322): letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
    private static let atext = ASCII.Set(lettersDigitsAnd: "!#$%&'*+-/=?^_`{|}~")
    private static let letterDigitHyphen = ASCII.Set(lettersDigitsAnd: "-")

    /// `Domain`: dot-separated labels of letters, digits and inner hyphens.
    private static func isDomain(_ domain: Slice<ASCII.Bytes>) -> Bool {
        guard domain.count <= 255 else { return false }
        var labelLength = 0
        var previous: UInt8 = 0x2E
        for byte in domain {
            if byte == 0x2E {
                guard labelLength > 0, previous != 0x2D else { return false }
                labelLength = 0
            } else {
                guard letterDigitHyphen.contains(byte), labelLength < 63, previous != 0x2E || byte != 0x2D else { return false }
                labelLength += 1
            }
            previous = byte
        }
        return labelLength > 0 && previous != 0x2D
    }

    /// `address-literal`: an IPv4 address or `IPv6:` and an IPv6 address, in square brackets.
    private static func isAddressLiteral(_ literal: Slice<ASCII.Bytes>) -> Bool {
        guard literal.count >= 2, literal.last == 0x5D else { return false }
        let inside = literal.dropFirst().dropLast()
        let tag = Array("ipv6:".utf8)
        if inside.count > tag.count, zip(inside, tag).allSatisfy({ ASCII.lowercased($0) == $1 }) {
            return IPAddress.isIPv6(inside.dropFirst(tag.count), ipv4: .snum)
        }
        return IPAddress.isIPv4(inside, .snum)
    }
}
