/// Where a store keeps a subtree's hash: the tree is stored as blocks of eight complete
/// subtrees of one level side by side, one row each, instead of one row per subtree.
///
/// Band `b` holds the subtrees of level `3b`; its block `index` holds those of indices
/// `8 index ..< 8 index + 8`. Every complete subtree of levels `3b`, `3b + 1` and `3b + 2` is
/// hashed from one block of band `b` (`SubtreeBlock.hash(of:)`), so a tree of `n` leaves takes
/// about `n / 7` rows, and a query reads one block where it would read up to three subtrees.
public struct SubtreeBlockID: Hashable, Sendable, CustomStringConvertible {
    /// The subtrees a complete block holds.
    public static let width = 8
    /// The levels a band spans: `log2(width)`.
    public static let levelsPerBand = 3

    /// The band: its subtrees are of level `3 band`.
    public let band: Int
    /// The position among the blocks of the band.
    public let index: Int

    public init(band: Int, index: Int) {
        self.band = band
        self.index = index
    }

    /// The block that `subtree`'s hash is computed from.
    public init(holding subtree: SubtreeID) {
        band = subtree.level / Self.levelsPerBand
        let above = subtree.level % Self.levelsPerBand
        index = (subtree.index << above) / Self.width
    }

    /// The level of the subtrees it holds.
    public var level: Int { band * Self.levelsPerBand }

    /// The first of the subtrees it holds.
    public var firstSubtree: SubtreeID { SubtreeID(level: level, index: index * Self.width) }

    /// How many of its subtrees are complete in a tree of `size` leaves: 0 to 8.
    public func completeSubtrees(size: Int) -> Int {
        min(Self.width, max(0, (size >> level) - index * Self.width))
    }

    public var description: String { "(band \(band), block \(index))" }
}

/// A stored block: the hashes of the first complete subtrees of `id`, in order (one to eight).
/// A block is only ever extended: the hashes of its later subtrees are added as they complete.
public struct SubtreeBlock: Sendable, Equatable {
    public let id: SubtreeBlockID
    public let hashes: [Hash]

    public init(id: SubtreeBlockID, hashes: [Hash]) {
        self.id = id
        self.hashes = hashes
    }

    /// The block from its stored bytes: the hashes side by side, 32 bytes each. Throws
    /// `.malformedHash` for a length that is not one to eight hashes.
    public init(id: SubtreeBlockID, bytes: some Collection<UInt8>) throws(MerkleError) {
        guard !bytes.isEmpty, bytes.count % Hash.byteCount == 0, bytes.count / Hash.byteCount <= SubtreeBlockID.width else {
            throw MerkleError(.malformedHash, "The stored subtree block \(id) holds \(bytes.count) bytes, not one to \(SubtreeBlockID.width) hashes of \(Hash.byteCount).")
        }
        let hashes = Array(bytes).withUnsafeBytes { raw in
            stride(from: 0, to: raw.count, by: Hash.byteCount).map { Hash(loading: raw, at: $0) }
        }
        self.init(id: id, hashes: hashes)
    }

    /// The hashes side by side, as stored.
    public var bytes: [UInt8] { hashes.flatMap(\.bytes) }

    /// The hash of `subtree`, computed from the hashes held (at most three node hashes); nil if
    /// the subtree is not held by this block or not all of its part of the block is stored.
    public func hash(of subtree: SubtreeID) -> Hash? {
        guard SubtreeBlockID(holding: subtree) == id else { return nil }
        let count = 1 << (subtree.level - id.level)
        let first = (subtree.index * count) % SubtreeBlockID.width
        guard first + count <= hashes.count else { return nil }
        var row = Array(hashes[first..<(first + count)])
        while row.count > 1 {
            row = stride(from: 0, to: row.count, by: 2).map { MerkleHasher.nodeHash(row[$0], row[$0 + 1]) }
        }
        return row[0]
    }
}
