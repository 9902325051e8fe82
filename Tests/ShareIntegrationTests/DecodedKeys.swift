import Foundation

/// The JSON member names a `Decodable` type reads, found by decoding it from nothing: at each
/// place (a path of member names, `*` for an array's items), every key it asks for, and
/// whether it must be there (`decode`) or may be missing (`decodeIfPresent`). Strings decode as
/// a UUID's text (so that `UUID` members decode), numbers as 1, arrays with one item.
final class DecodedKeys {
    /// Place → member name → required.
    private(set) var members: [[String]: [String: Bool]] = [:]

    static func of<T: Decodable>(_ type: T.Type) throws -> [[String]: [String: Bool]] {
        let keys = DecodedKeys()
        _ = try T(from: KeyDecoder(keys: keys, path: []))
        return keys.members
    }

    fileprivate func read(_ key: String, at path: [String], required: Bool) {
        members[path, default: [:]][key] = (members[path]?[key] ?? true) && required
    }

    fileprivate func checkedForNull(_ key: String, at path: [String]) {
        members[path, default: [:]][key] = false
    }

    fileprivate func seen(_ key: String, at path: [String]) -> Bool {
        members[path]?[key] != nil
    }
}

private struct KeyDecoder: Decoder {
    let keys: DecodedKeys
    let path: [String]
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedReader<Key>(keys: keys, path: path))
    }

    func unkeyedContainer() -> any UnkeyedDecodingContainer {
        ItemsReader(keys: keys, path: path + ["*"])
    }

    func singleValueContainer() -> any SingleValueDecodingContainer {
        ValueReader(keys: keys, path: path)
    }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let keys: DecodedKeys
    let path: [String]
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }

    func contains(_ key: Key) -> Bool { true }

    /// Asked only by `decodeIfPresent`: the member is optional.
    func decodeNil(forKey key: Key) -> Bool {
        keys.checkedForNull(key.stringValue, at: path)
        return false
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if !keys.seen(key.stringValue, at: path) { keys.read(key.stringValue, at: path, required: true) }
        return try T(from: KeyDecoder(keys: keys, path: path + [key.stringValue]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(KeyedReader<NestedKey>(keys: keys, path: path + [key.stringValue]))
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer {
        ItemsReader(keys: keys, path: path + [key.stringValue, "*"])
    }

    func superDecoder() -> any Decoder { KeyDecoder(keys: keys, path: path) }
    func superDecoder(forKey key: Key) -> any Decoder { KeyDecoder(keys: keys, path: path + [key.stringValue]) }
}

/// An array of one item.
private struct ItemsReader: UnkeyedDecodingContainer {
    let keys: DecodedKeys
    let path: [String]
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= 1 }

    init(keys: DecodedKeys, path: [String]) {
        self.keys = keys
        self.path = path
    }

    mutating func decodeNil() -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        return try T(from: KeyDecoder(keys: keys, path: path))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedDecodingContainer<NestedKey> {
        currentIndex += 1
        return KeyedDecodingContainer(KeyedReader<NestedKey>(keys: keys, path: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedDecodingContainer {
        currentIndex += 1
        return ItemsReader(keys: keys, path: path + ["*"])
    }

    mutating func superDecoder() -> any Decoder {
        currentIndex += 1
        return KeyDecoder(keys: keys, path: path)
    }
}

private struct ValueReader: SingleValueDecodingContainer {
    let keys: DecodedKeys
    let path: [String]
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { false }
    func decode(_ type: Bool.Type) -> Bool { true }
    func decode(_ type: String.Type) -> String { "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11" }
    func decode(_ type: Double.Type) -> Double { 1 }
    func decode(_ type: Float.Type) -> Float { 1 }
    func decode(_ type: Int.Type) -> Int { 1 }
    func decode(_ type: Int8.Type) -> Int8 { 1 }
    func decode(_ type: Int16.Type) -> Int16 { 1 }
    func decode(_ type: Int32.Type) -> Int32 { 1 }
    func decode(_ type: Int64.Type) -> Int64 { 1 }
    func decode(_ type: UInt.Type) -> UInt { 1 }
    func decode(_ type: UInt8.Type) -> UInt8 { 1 }
    func decode(_ type: UInt16.Type) -> UInt16 { 1 }
    func decode(_ type: UInt32.Type) -> UInt32 { 1 }
    func decode(_ type: UInt64.Type) -> UInt64 { 1 }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: KeyDecoder(keys: keys, path: path))
    }
}
