/// The hashes of the complete subtrees covering leaves `[0, size)`, largest first (their ids are
/// `SubtreeID.compactRange(size:)`): at most 64 hashes, yet enough to append leaves and to know
/// the root, whatever the size. `append` names every complete subtree it finishes, so a store
/// can keep them and answer proofs (`SubtreeHashes`) without holding the tree in memory.
public struct CompactRange: Sendable, Equatable {
    /// The number of leaves covered.
    public private(set) var size = 0
    /// One hash per `SubtreeID.compactRange(size:)`, in that order.
    public private(set) var hashes: [Hash] = []

    /// The range of the empty tree.
    public init() {}

    /// The range of `size` leaves from the hashes of `SubtreeID.compactRange(size:)`, in that
    /// order. Throws `.sizeOutOfRange` if their number does not fit the size.
    public init(size: Int, hashes: [Hash]) throws(MerkleError) {
        guard size >= 0, hashes.count == size.nonzeroBitCount else {
            throw MerkleError(.sizeOutOfRange, "A tree of \(size) leaves has \(max(0, size).nonzeroBitCount) complete subtrees in its compact range, not \(hashes.count).")
        }
        self.size = size
        self.hashes = hashes
    }

    /// `MTH(D[0:size])`: the complete subtrees folded from the right; the empty root for 0.
    public var rootHash: Hash { Self.root(folding: hashes) }

    /// The root of a tree from the hashes of its compact range, largest first.
    static func root(folding hashes: [Hash]) -> Hash {
        guard var folded = hashes.last else { return MerkleHasher.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            folded = MerkleHasher.nodeHash(hash, folded)
        }
        return folded
    }

    /// Appends leaf `size` and returns the complete subtrees it finishes: the leaf itself, then
    /// each parent it completes, smallest first.
    @discardableResult
    public mutating func append(leafHash: Hash) -> [(id: SubtreeID, hash: Hash)] {
        var finished = [(id: SubtreeID.leaf(size), hash: leafHash)]
        var merged = leafHash
        var level = 0
        while size & (1 << level) != 0 {
            merged = MerkleHasher.nodeHash(hashes.removeLast(), merged)
            level += 1
            finished.append((SubtreeID(level: level, index: size >> level), merged))
        }
        hashes.append(merged)
        size += 1
        return finished
    }
}
