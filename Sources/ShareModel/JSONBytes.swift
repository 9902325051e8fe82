/// Tests on the bytes of JSON text shared by the parser and the writers.
enum JSONBytes {
    /// Whether any of eight bytes may be a quote, a backslash or below 0x20 (never false when
    /// one is; sometimes true when none is), tested all at once.
    static func mayHoldQuoteBackslashOrControl(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & high }
        let quote = hasZeroByte(word ^ (ones &* 0x22))
        let backslash = hasZeroByte(word ^ (ones &* 0x5C))
        let control = (word &- ones &* 0x20) & ~word & high
        return quote | backslash | control != 0
    }

    /// Whether every byte is below 0x80, tested eight at a time.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var combined: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            combined |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            combined |= UInt64(bytes[index])
            index += 1
        }
        return combined & 0x8080_8080_8080_8080 == 0
    }
}
