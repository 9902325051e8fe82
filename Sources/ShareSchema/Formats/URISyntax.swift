/// The `uri` format: an RFC 3986 `URI` (section 3), in ASCII with anything else percent-encoded.
///
/// A scheme, `:`, then a path, or `//`, an authority and a path starting with `/`; then an
/// optional `?query` and `#fragment`. The authority is `[userinfo@]host[:port]`: the host a
/// registered name (which covers IPv4 addresses) or, in brackets, an IPv6 address or an
/// IPvFuture literal; the port digits only. Brackets appear nowhere else.
enum URISyntax {
    typealias Text = Slice<ASCII.Bytes>

    static func isURI(_ text: String) -> Bool {
        ASCII.withBytes(text) { bytes in
            guard let colon = bytes.firstIndex(of: 0x3A), isScheme(bytes[..<colon]) else { return false }
            var rest = bytes[(colon + 1)...]
            if let hash = rest.firstIndex(of: 0x23) {
                guard isEncoded(rest[(hash + 1)...], allowing: isQueryCharacter) else { return false }
                rest = rest[..<hash]
            }
            if let question = rest.firstIndex(of: 0x3F) {
                guard isEncoded(rest[(question + 1)...], allowing: isQueryCharacter) else { return false }
                rest = rest[..<question]
            }
            if rest.starts(with: [0x2F, 0x2F]) {
                let authority = rest.dropFirst(2)
                let end = authority.firstIndex(of: 0x2F) ?? authority.endIndex
                guard isAuthority(authority[..<end]) else { return false }
                rest = authority[end...]
            }
            return isEncoded(rest) { isPathCharacter($0) || $0 == 0x2F }
        }
    }

    /// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    private static func isScheme(_ text: Text) -> Bool {
        guard let first = text.first, ASCII.isAlpha(first) else { return false }
        return text.allSatisfy { ASCII.isAlpha($0) || ASCII.isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

    /// `[ userinfo "@" ] host [ ":" port ]`.
    private static func isAuthority(_ text: Text) -> Bool {
        var hostAndPort = text
        if let at = text.firstIndex(of: 0x40) {
            guard isEncoded(text[..<at], allowing: { isUnreservedOrSubDelimiter($0) || $0 == 0x3A }) else { return false }
            hostAndPort = text[(at + 1)...]
        }
        let port: Text
        if hostAndPort.first == 0x5B {
            guard let close = hostAndPort.firstIndex(of: 0x5D), isIPLiteral(hostAndPort[(hostAndPort.startIndex + 1)..<close]) else {
                return false
            }
            port = hostAndPort[(close + 1)...]
        } else {
            let colon = hostAndPort.firstIndex(of: 0x3A) ?? hostAndPort.endIndex
            guard isEncoded(hostAndPort[..<colon], allowing: isUnreservedOrSubDelimiter) else { return false }
            port = hostAndPort[colon...]
        }
        return port.isEmpty || (port.first == 0x3A && port.dropFirst().allSatisfy(ASCII.isDigit))
    }

    /// The inside of `IP-literal`: an IPv6 address, or `v`, hexadecimal digits, `.` and more.
    private static func isIPLiteral(_ text: Text) -> Bool {
        guard let first = text.first, ASCII.lowercased(first) == 0x76 else { return IPAddress.isIPv6(text, ipv4: .decOctet) }
        let version = text.dropFirst().prefix(while: ASCII.isHex)
        let rest = text[version.endIndex...]
        return !version.isEmpty && rest.first == 0x2E && rest.count > 1
            && rest.dropFirst().allSatisfy { isUnreservedOrSubDelimiter($0) || $0 == 0x3A }
    }

    /// Whether every byte is allowed or starts a `%` and two hexadecimal digits.
    private static func isEncoded(_ text: Text, allowing allowed: (UInt8) -> Bool) -> Bool {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == 0x25 {
                guard index + 2 < text.endIndex, ASCII.isHex(text[index + 1]), ASCII.isHex(text[index + 2]) else { return false }
                index += 3
            } else {
                guard allowed(text[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    /// `unreserved` (letters, digits, ``-._~``) or `sub-delims` (``!$&'()*+,;=``).
    private static func isUnreservedOrSubDelimiter(_ byte: UInt8) -> Bool {
        ASCII.isAlpha(byte) || ASCII.isDigit(byte) || "-._~!$&'()*+,;=".utf8.contains(byte)
    }

    /// `pchar` without `pct-encoded`: unreserved, sub-delims, `:` and `@`.
    private static func isPathCharacter(_ byte: UInt8) -> Bool {
        isUnreservedOrSubDelimiter(byte) || byte == 0x3A || byte == 0x40
    }

    /// What a query or fragment may hold besides `pct-encoded`: `pchar`, `/` and `?`.
    private static func isQueryCharacter(_ byte: UInt8) -> Bool {
        isPathCharacter(byte) || byte == 0x2F || byte == 0x3F
    }
}
