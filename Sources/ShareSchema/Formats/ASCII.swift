/// Byte classes of the ABNF core rules (RFC 5234) that the format grammars share.
enum ASCII {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func isAlpha(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) }
    /// ABNF strings match letters case-insensitively.
    static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }

    /// Calls `body` with the string's UTF-8 bytes.
    static func withBytes(_ text: String, _ body: (Bytes) -> Bool) -> Bool {
        var text = text
        return text.withUTF8(body)
    }

    /// The decimal number in `count` ASCII digits at `start`, or nil if one is not a digit.
    static func number(_ bytes: Bytes, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            guard isDigit(bytes[index]) else { return nil }
            value = value * 10 + Int(bytes[index] - 0x30)
        }
        return value
    }
}
