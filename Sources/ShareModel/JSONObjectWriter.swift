public import Foundation

/// Writes one JSON object member by member, byte for byte as `JSONWriter.data` would write
/// the same members, without building a `JSONValue` first. For encodings made several
/// times per message. Members must be added in ascending key order (the order `JSONWriter`
/// sorts keys into; checked in debug builds); a nil value leaves its member out.
public struct JSONObjectWriter {
    private var output: [UInt8]
    private var lastKey: StaticString?

    public init(capacity: Int = 256) {
        output = []
        output.reserveCapacity(capacity)
        output.append(UInt8(ascii: "{"))
    }

    /// A writer appending to `buffer` as it is, for a nested object.
    private init(buffer: [UInt8]) {
        output = buffer
    }

    public mutating func add(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        start(key)
        JSONWriter.writeString(value, to: &output)
    }

    public mutating func add(_ key: StaticString, _ value: Int?) {
        guard let value else { return }
        start(key)
        JSONWriter.writeNumber(Double(value), to: &output)
    }

    /// UTF-8 text held as bytes (such as a compact JWS), as a string.
    public mutating func add(_ key: StaticString, utf8 text: Data) {
        start(key)
        text.withUnsafeBytes { JSONWriter.writeString(utf8: $0, to: &output) }
    }

    /// An array of values already written as JSON (each by a `JSONObjectWriter`, say).
    public mutating func add(_ key: StaticString, encoded elements: [Data]) {
        start(key)
        output.append(UInt8(ascii: "["))
        for (index, element) in elements.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: element)
        }
        output.append(UInt8(ascii: "]"))
    }

    /// A UUID in lowercase text, as the API writes ids.
    public mutating func add(_ key: StaticString, _ value: UUID?) {
        guard let value else { return }
        start(key)
        output.append(UInt8(ascii: "\""))
        value.appendLowercasedText(to: &output)
        output.append(UInt8(ascii: "\""))
    }

    public mutating func add(_ key: StaticString, _ value: JSONValue?) {
        guard let value else { return }
        start(key)
        JSONWriter.write(value, to: &output)
    }

    /// A nested object, written by `members` in the same way.
    public mutating func add(_ key: StaticString, object members: (inout JSONObjectWriter) -> Void) {
        start(key)
        var nested = JSONObjectWriter(buffer: [])
        swap(&output, &nested.output)
        nested.output.append(UInt8(ascii: "{"))
        members(&nested)
        nested.output.append(UInt8(ascii: "}"))
        swap(&output, &nested.output)
    }

    /// Closes the object and returns its bytes.
    public consuming func finish() -> Data {
        output.append(UInt8(ascii: "}"))
        return Data(output)
    }

    private mutating func start(_ key: StaticString) {
        assert(lastKey.map { Self.precedes($0, key) } ?? true, "JSONObjectWriter: \(key) added out of order")
        if lastKey != nil { output.append(UInt8(ascii: ",")) }
        lastKey = key
        output.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { output.append(contentsOf: $0) }
        output.append(contentsOf: "\":".utf8)
    }

    private static func precedes(_ first: StaticString, _ second: StaticString) -> Bool {
        first.withUTF8Buffer { a in second.withUTF8Buffer { b in a.lexicographicallyPrecedes(b) } }
    }
}
