/// The text forms of IP addresses, in email address literals and URI hosts.
enum IPAddress {
    /// How the four numbers of an IPv4 address may be written.
    enum IPv4Numbers {
        /// RFC 3986 `dec-octet`: 0 to 255 without leading zeros.
        case decOctet
        /// RFC 5321 `Snum`: one to three digits worth 0 to 255, leading zeros allowed.
        case snum
    }

    /// Four numbers 0 to 255 separated by dots.
    static func isIPv4(_ text: some Collection<UInt8>, _ numbers: IPv4Numbers) -> Bool {
        let parts = text.split(separator: 0x2E, omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(ASCII.isDigit),
                  numbers == .snum || part.count == 1 || part.first != 0x30
            else { return false }
            return part.reduce(0) { $0 * 10 + Int($1 - 0x30) } <= 255
        }
    }

    /// RFC 4291 section 2.2, as RFC 3986 `IPv6address` and RFC 5321 `IPv6-addr` write it: eight
    /// groups of 1 to 4 hexadecimal digits separated by colons, the last two of which may be an
    /// IPv4 address; one `::` may stand for one or more groups of zeros.
    static func isIPv6<Text: Collection<UInt8>>(_ text: Text, ipv4 numbers: IPv4Numbers) -> Bool {
        let gap = text.indices.first { index in
            let next = text.index(after: index)
            return text[index] == 0x3A && next != text.endIndex && text[next] == 0x3A
        }
        guard let gap else { return groupCount(text[...], ipv4: numbers) == 8 }
        guard let head = groupCount(text[..<gap], ipv4: nil),
              let tail = groupCount(text[text.index(gap, offsetBy: 2)...], ipv4: numbers)
        else { return false }
        return head + tail <= 7
    }

    /// How many 16-bit groups colon-separated hexadecimal groups hold (an IPv4 address at the
    /// end, where `ipv4` allows one, counts two); 0 for no text, nil if malformed.
    private static func groupCount(_ text: some Collection<UInt8>, ipv4 numbers: IPv4Numbers?) -> Int? {
        if text.isEmpty { return 0 }
        let groups = text.split(separator: 0x3A, omittingEmptySubsequences: false)
        var count = 0
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1, let numbers, group.contains(0x2E) {
                guard isIPv4(group, numbers) else { return nil }
                count += 2
            } else {
                guard (1...4).contains(group.count), group.allSatisfy(ASCII.isHex) else { return nil }
                count += 1
            }
        }
        return count
    }
}
