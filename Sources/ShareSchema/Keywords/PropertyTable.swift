import ShareModel

/// A read-only open-addressing table from property names to their schemas. It hashes the UTF-8
/// bytes with FNV-1a, much cheaper for short names than the standard library's seeded SipHash;
/// the table is built from the schema, not from input, so predictable hashing is no flooding
/// risk here. Names match by code point, as JSON compares them.
final class PropertyTable: @unchecked Sendable {  // immutable after init
    struct Entry: Sendable {
        let name: JSONKey
        let schema: SchemaNode
        /// Whether `required` of the same schema object lists this name.
        let isRequired: Bool
    }

    let entries: [Entry]
    /// `entries`' schemas (unowned: the catalogue's graph keeps them) and `isRequired` flags, unpacked for `isValid`.
    let unownedSchemas: [Unmanaged<SchemaNode>]
    let isRequired: [Bool]
    private let names: [JSONKey]
    /// Indices into `entries`, -1 for empty slots; the count is a power of two.
    private let slots: [Int]
    private let mask: Int

    init(_ entries: [Entry]) {
        var capacity = 4
        while capacity < entries.count * 2 { capacity *= 2 }
        var slots = [Int](repeating: -1, count: capacity)
        for (index, entry) in entries.enumerated() {
            var slot = Self.hash(entry.name) & (capacity - 1)
            while slots[slot] != -1 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = index
        }
        self.entries = entries
        unownedSchemas = entries.map { .passUnretained($0.schema) }
        isRequired = entries.map(\.isRequired)
        names = entries.map(\.name)
        self.slots = slots
        mask = capacity - 1
    }

    /// The index in `entries` of the entry for `name`.
    func index(of name: JSONKey) -> Int? {
        var slot = Self.hash(name) & mask
        while true {
            let index = slots[slot]
            if index < 0 { return nil }
            if names[index] == name { return index }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ name: JSONKey) -> Int {
        var name = name.string
        return name.withUTF8 { bytes in
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in bytes {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
            return Int(truncatingIfNeeded: hash ^ (hash >> 29))
        }
    }
}
