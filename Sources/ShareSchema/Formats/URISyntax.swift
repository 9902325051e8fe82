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
                guard isEncoded(rest[(hash + 1)...], allowing: queryCharacters) else { return false }
                rest = rest[..<hash]
            }
            if let question = rest.firstIndex(of: 0x3F) {
                guard isEncoded(rest[(question + 1)...], allowing: queryCharacters) else { return false }
                rest = rest[..<question]
            }
            if rest.starts(with: [0x2F, 0x2F]) {
                let authority = rest.dropFirst(2)
                let end = authority.firstIndex(of: 0x2F) ?? authority.endIndex
                guard isAuthority(authority[..<end]) else { return false }
                rest = authority[end...]
            }
            return isEncoded(rest, allowing: pathCharacters)
        }
    }

    /// `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
    private static func isScheme(_ text: Text) -> Bool {
        guard let first = text.first, ASCII.isAlpha(first) else { return false }
        return text.allSatisfy(schemeCharacters.contains)
    }

    /// `[ userinfo "@" ] host [ ":" port ]`.
    private static func isAuthority(_ text: Text) -> Bool {
        var hostAndPort = text
        if let at = text.firstIndex(of: 0x40) {
            guard isEncoded(text[..<at], allowing: userinfoCharacters) else { return false }
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
            guard isEncoded(hostAndPort[..<colon], allowing: unreservedOrSubDelimiters) else { return false }
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
            && rest.dropFirst().allSatisfy(userinfoCharacters.contains)
    }

    /// Whether every byte is allowed or starts a `%` and two hexadecimal digits.
    private static func isEncoded(_ text: Text, allowing allowed: ASCII.Set) -> Bool {
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == 0x25 {
                guard index + 2 < text.endIndex, ASCII.isHex(text[index + 1]), ASCII.isHex(text[index + 2]) else { return false }
                index += 3
            } else {
                guard allowed.contains(text[index]) else { return false }
                index += 1
            }
        }
        return true
    }

    private static let schemeCharacters = ASCII.Set(lettersDigitsAnd: "+-.")
    /// `unreserved` (letters, digits, ``-._~``) and `sub-delims` (``!$&'()*+,;=``): a host's characters.
    private static let unreservedOrSubDelimiters = ASCII.Set(lettersDigitsAnd: "-._~!$&'()*+,;=")
    /// Those and `:`: userinfo's characters, and an IPvFuture literal's after the dot.
    private static let userinfoCharacters = ASCII.Set(lettersDigitsAnd: "-._~!$&'()*+,;=:")
    /// `pchar` (those, `:` and `@`) and `/`.
    private static let pathCharacters = ASCII.Set(lettersDigitsAnd: "-._~!$&'()*+,;=:@/")
    /// What a query or fragment may hold besides `pct-encoded`: `pchar`, `/` and `?`.
    private static let queryCharacters = ASCII.Set(lettersDigitsAnd: "-._~!$&'()*+,;=:@/?")
}
