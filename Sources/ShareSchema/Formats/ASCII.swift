/// Byte classes of the ABNF core rules (RFC 5234) and of the format grammars.
enum ASCII {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func isAlpha(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
    static func isHex(_ byte: UInt8) -> Bool { isDigit(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte) }
    /// ABNF strings match letters case-insensitively.
    static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }

    /// A set of ASCII bytes, tested with one shift: letters, digits and the given punctuation.
    struct Set {
        private let low: UInt64
        private let high: UInt64

        init(lettersDigitsAnd punctuation: String) {
            var low: UInt64 = 0x03FF_0000_0000_0000  // the digits
            var high: UInt64 = 0x07FF_FFFE_07FF_FFFE  // the letters
            for byte in punctuation.utf8 {
                if byte < 64 { low |= 1 << byte } else { high |= 1 << (byte - 64) }
            }
            self.low = low
            self.high = high
        }

        func contains(_ byte: UInt8) -> Bool {
            byte < 64 ? low >> byte & 1 == 1 : byte < 128 && high >> (byte - 64) & 1 == 1
        }
    }

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
