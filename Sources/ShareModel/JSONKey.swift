/// A string from JSON used as a key (an object member name, an `enum` value, a schema URI),
/// compared as JSON and JSON Schema compare strings: by Unicode code point, here by UTF-8 bytes.
///
/// `String`'s `==`, `<` and hashing follow canonical equivalence instead, so as a `Dictionary`
/// key or `Set` element "ä" (U+00E4) and "a\u{308}" would be one key; they are two member names
/// in JSON. Ordered by code point, which is also the order of the UTF-8 bytes.
public struct JSONKey: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let string: String

    public init(_ string: String) {
        self.string = string
    }

    public init(stringLiteral value: String) {
        string = value
    }

    public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
        lhs.string.codePointsEqual(rhs.string)
    }

    public static func < (lhs: JSONKey, rhs: JSONKey) -> Bool {
        var left = lhs.string
        var right = rhs.string
        return left.withUTF8 { left in right.withUTF8 { right in left.lexicographicallyPrecedes(right) } }
    }

    public func hash(into hasher: inout Hasher) {
        var string = string
        string.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)
    }

    public var description: String { string }
}

extension String {
    /// Whether both strings hold the same Unicode code points (JSON's string equality), unlike
    /// `==`, which also equates canonically equivalent strings such as "ä" and "a\u{308}".
    public func codePointsEqual(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var left = self
        var right = other
        return left.withUTF8 { left in right.withUTF8 { right in left.elementsEqual(right) } }
    }
}

extension JSONKey: Codable, CodingKeyRepresentable {
    public init(from decoder: any Decoder) throws {
        string = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }

    public var codingKey: any CodingKey { string.codingKey }

    public init?(codingKey: some CodingKey) {
        string = codingKey.stringValue
    }
}
