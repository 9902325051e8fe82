/// A string from JSON used as a key (an object member name, an `enum` value, a schema URI),
/// compared as JSON and JSON Schema compare strings: by Unicode code point, here by UTF-8 bytes.
///
/// `String`'s `==`, `<` and hashing follow canonical equivalence instead, so as a `Dictionary`
/// key or `Set` element "ä" (U+00E4) and "a\u{308}" would be one key; they are two member names
/// in JSON. Ordered by code point, which is also the order of the UTF-8 bytes. Equality and
/// hashing are `@inlinable`: the parser and the validator run them for every member.
public struct JSONKey: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let string: String

    @inlinable public init(_ string: String) {
        self.string = string
    }

    public init(stringLiteral value: String) {
        string = value
    }

    @inlinable public static func == (lhs: JSONKey, rhs: JSONKey) -> Bool {
        lhs.string.codePointsEqual(rhs.string)
    }

    public static func < (lhs: JSONKey, rhs: JSONKey) -> Bool {
        lhs.string.utf8.lexicographicallyPrecedes(rhs.string.utf8)
    }

    @inlinable public func hash(into hasher: inout Hasher) {
        let utf8 = string.utf8
        if utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            Array(utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    public var description: String { string }

    /// Whether two runs of UTF-8 bytes are the same (what `==` compares), eight bytes at a time.
    @inlinable public static func bytesEqual(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        let count = left.count
        guard right.count == count else { return false }
        var index = 0
        while index + 8 <= count {
            if left.loadUnaligned(fromByteOffset: index, as: UInt64.self) != right.loadUnaligned(fromByteOffset: index, as: UInt64.self) {
                return false
            }
            index += 8
        }
        while index < count {
            if left[index] != right[index] { return false }
            index += 1
        }
        return true
    }
}

extension String {
    /// Whether both strings hold the same Unicode code points (JSON's string equality), unlike
    /// `==`, which also equates canonically equivalent strings such as "ä" and "a\u{308}".
    @inlinable public func codePointsEqual(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        let equal = utf8.withContiguousStorageIfAvailable { left in
            other.utf8.withContiguousStorageIfAvailable { right in JSONKey.bytesEqual(UnsafeRawBufferPointer(left), UnsafeRawBufferPointer(right)) }
        }
        return equal.flatMap { $0 } ?? utf8.elementsEqual(other.utf8)
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
