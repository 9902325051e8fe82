public import Foundation

/// Hexadecimal digits: lowercase, as certificate fingerprints are written in the configuration,
/// ids in the API and JSON's `\u` escapes; uppercase for ids as the store keeps them.
public enum Hex {
    static let lowercaseDigits = Array("0123456789abcdef".utf8)
    static let uppercaseDigits = Array("0123456789ABCDEF".utf8)

    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        for byte in bytes {
            text.append(lowercaseDigits[Int(byte >> 4)])
            text.append(lowercaseDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Each byte's two digits as they lie in memory when stored as one `UInt16` (the first
    /// digit in the low byte), for writers that store two digits at once.
    static func digitPairs(_ digits: [UInt8]) -> [UInt16] {
        (0..<256).map { byte in (UInt16(digits[byte >> 4]) | UInt16(digits[byte & 0x0F]) << 8).littleEndian }
    }
}

extension UUID {
    /// The lowercase form ids are written in by the API and the logs (RFC 9562).
    public var lowercasedString: String { text(uppercase: false) }

    /// The same text as `uuidString` (upper case), as the store keeps ids. Foundation formats
    /// `uuidString` with `sprintf` on Linux; this is a table lookup per byte.
    public var uppercasedString: String { text(uppercase: true) }

    /// Reads the 36-character text form in either case, as `UUID(uuidString:)` does, without
    /// the `sscanf` Foundation uses on Linux; nil for anything else.
    public init?(text: String) {
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = text.utf8.withContiguousStorageIfAvailable { characters -> Bool in
            guard characters.count == 36 else { return false }
            return withUnsafeMutableBytes(of: &value) { bytes in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard characters[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = Self.nibble(characters[position]), let low = Self.nibble(characters[position + 1]) else { return false }
                    bytes[index] = high << 4 | low
                    position += 2
                }
                return true
            }
        }
        guard let parsed else {
            guard let fallback = UUID(uuidString: text) else { return nil }
            self = fallback
            return
        }
        guard parsed else { return nil }
        self.init(uuid: value)
    }

    private static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Appends the lowercase text form to `output`, as `lowercasedString` writes it.
    public func appendLowercasedText(to output: inout [UInt8]) {
        let start = output.count
        output.append(contentsOf: repeatElement(UInt8(ascii: "-"), count: 36))
        output.withUnsafeMutableBufferPointer { buffer in
            write(into: UnsafeMutableBufferPointer(rebasing: buffer[start...]), uppercase: false)
        }
    }

    /// Calls `body` with the upper-case text form (as `uppercasedString` has it) in a
    /// temporary buffer, for callers that copy it at once. Inlinable, so that it is specialised
    /// for the caller's result instead of building `Result`'s metadata on every call.
    @inlinable public func withUppercasedText<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { buffer in
            buffer.initialize(repeating: UInt8(ascii: "-"))
            write(into: buffer, uppercase: true)
            return body(UnsafeBufferPointer(buffer))
        }
    }

    private func text(uppercase: Bool) -> String {
        String(unsafeUninitializedCapacity: 36) { buffer in
            buffer.initialize(repeating: UInt8(ascii: "-"))
            write(into: buffer, uppercase: uppercase)
            return 36
        }
    }

    /// Writes the 32 hexadecimal digits into the first 36 bytes of `text`, around the dashes
    /// already there: each byte's two digits stored at once from a table (the store formats
    /// about eleven ids a message).
    @usableFromInline func write(into text: UnsafeMutableBufferPointer<UInt8>, uppercase: Bool) {
        precondition(text.count >= 36, "A UUID's text form takes 36 bytes.")
        let output = UnsafeMutableRawPointer(text.baseAddress!)
        (uppercase ? Self.upperDigitPairs : Self.lowerDigitPairs).withUnsafeBufferPointer { pairs in
            withUnsafeBytes(of: uuid) { bytes in
                func put(_ range: Range<Int>, at start: Int) {
                    var offset = start
                    for index in range {
                        output.storeBytes(of: pairs[Int(bytes[index])], toByteOffset: offset, as: UInt16.self)
                        offset += 2
                    }
                }
                put(0..<4, at: 0)
                put(4..<6, at: 9)
                put(6..<8, at: 14)
                put(8..<10, at: 19)
                put(10..<16, at: 24)
            }
        }
    }

    private static let lowerDigitPairs = Hex.digitPairs(Hex.lowercaseDigits)
    private static let upperDigitPairs = Hex.digitPairs(Hex.uppercaseDigits)
}
