/// An RFC 6901 JSON Pointer, built up while walking a document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public private(set) var tokens: [String]

    public init(_ tokens: [String] = []) {
        self.tokens = tokens
    }

    /// The pointer to the whole document: "".
    public static let root = JSONPointer()

    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens + [token])
    }

    public func appending(_ index: Int) -> JSONPointer {
        appending(String(index))
    }

    /// Equal when every token holds the same code points (not merely canonically equivalent ones).
    public static func == (lhs: JSONPointer, rhs: JSONPointer) -> Bool {
        lhs.tokens.count == rhs.tokens.count && zip(lhs.tokens, rhs.tokens).allSatisfy { $0.codePointsEqual($1) }
    }

    public func hash(into hasher: inout Hasher) {
        for token in tokens { hasher.combine(JSONKey(token)) }
    }

    public var description: String {
        tokens.map { "/" + Self.escaped($0) }.joined()
    }

    /// A reference token as a pointer's text writes it: "~" as "~0", "/" as "~1". Works on the
    /// UTF-8 bytes, so a "~" or "/" followed by a combining mark is escaped like any other.
    public static func escaped(_ token: String) -> String {
        let tilde = UInt8(ascii: "~"), slash = UInt8(ascii: "/")
        guard token.utf8.contains(where: { $0 == tilde || $0 == slash }) else { return token }
        var bytes: [UInt8] = []
        for byte in token.utf8 {
            switch byte {
            case tilde: bytes += [tilde, UInt8(ascii: "0")]
            case slash: bytes += [tilde, UInt8(ascii: "1")]
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension JSONPointer: ExpressibleByStringLiteral {
    /// Builds a pointer from its string form, such as "/disclosure/consent", splitting at
    /// each "/" byte and reading "~1" as "/" and "~0" as "~".
    public init(stringLiteral value: String) {
        let tilde = UInt8(ascii: "~")
        self.init(value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst().map { escaped in
            var bytes = Array(escaped)
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == tilde, bytes[index + 1] == UInt8(ascii: "0") || bytes[index + 1] == UInt8(ascii: "1") {
                    bytes[index] = bytes[index + 1] == UInt8(ascii: "0") ? tilde : UInt8(ascii: "/")
                    bytes.remove(at: index + 1)
                }
                index += 1
            }
            return String(decoding: bytes, as: UTF8.self)
        })
    }
}

/// One thing wrong with a document: where (a JSON Pointer) and what, in words a person can act on.
public struct ValidationProblem: Sendable, Equatable, Codable {
    public let pointer: String
    public let message: String
    /// For a schema rule: the rule's absolute location, such as
    /// `urn:sharebroker:schema:common#/$defs/nhsNumber/format`.
    public let schemaLocation: String?

    public init(pointer: JSONPointer, message: String, schemaLocation: String? = nil) {
        self.pointer = pointer.description
        self.message = message
        self.schemaLocation = schemaLocation
    }
}

extension JSONValue {
    /// The value `pointer` refers to in this document, or nil if there is none.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let members):
                guard let next = members[JSONKey(token)] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), String(index) == token, items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}
