import ShareModel

/// A read-only open-addressing table from names (strings a schema gives: property names, `enum`
/// strings) to their positions in the list it was built from. It hashes the UTF-8 bytes with
/// FNV-1a, much cheaper for short names than the standard library's seeded SipHash; the table is
/// built from the schema, not from input, so predictable hashing is no flooding risk here.
/// Names match byte for byte, that is by code point, as JSON compares them.
///
/// `@unchecked Sendable`: immutable after `init`; `bytes` is a buffer this table allocates and
/// fills in `init` and frees in `deinit`.
final class NameTable: @unchecked Sendable {
    /// Every name's UTF-8 bytes, one after another; name i's are at `ranges[i]`.
    private let bytes: UnsafeMutableRawBufferPointer
    private let ranges: [Range<Int>]
    /// Indices into `ranges`, -1 for empty slots; the count is a power of two.
    private let slots: [Int]
    private let mask: Int

    /// `names` must be distinct.
    init(_ names: [String]) {
        var capacity = 4
        while capacity < names.count * 2 { capacity *= 2 }
        var slots = [Int](repeating: -1, count: capacity)
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for (index, name) in names.enumerated() {
            let start = bytes.count
            bytes += name.utf8
            ranges.append(start..<bytes.count)
            var slot = bytes[start...].withUnsafeBytes(Self.hash) & (capacity - 1)
            while slots[slot] != -1 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = index
        }
        self.bytes = .allocate(byteCount: bytes.count, alignment: 1)
        self.bytes.copyBytes(from: bytes)
        self.ranges = ranges
        self.slots = slots
        mask = capacity - 1
    }

    deinit {
        bytes.deallocate()
    }

    /// The position of `name` in the list the table was built from.
    func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { key in
            let key = UnsafeRawBufferPointer(key)
            var slot = Self.hash(key) & mask
            while true {
                let index = slots[slot]
                if index < 0 { return nil }
                if JSONKey.bytesEqual(UnsafeRawBufferPointer(rebasing: bytes[ranges[index]]), key) { return index }
                slot = (slot + 1) & mask
            }
        }
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
