/// The end of a tree stored as blocks (`SubtreeBlock`): its compact range, and the unfinished
/// block of each band. Appending leaves names the blocks they finish; `openBlocks` are those
/// still filling, which a store keeps too (each save extends them), so that the stored blocks
/// cover every complete subtree of `[0, size)`. Holds at most 64 + 7 × 21 hashes.
public struct TreeEdge: Sendable {
    /// The compact range of `[0, size)`.
    public private(set) var range = CompactRange()
    /// `open[band]`: the hashes of the band's complete subtrees after its last complete block.
    private var open: [[Hash]] = []

    /// The edge of the empty tree.
    public init() {}

    /// The edge of a stored tree of `size` leaves, from its blocks `openBlockIDs(size:)` (each
    /// may hold more hashes than it did at `size`; only the first are taken). Throws
    /// `.subtreeMissing` if one is not given or holds too few.
    public init(size: Int, blocks: [SubtreeBlockID: SubtreeBlock]) throws(MerkleError) {
        for id in Self.openBlockIDs(size: size) {
            let count = id.completeSubtrees(size: size)
            guard let block = blocks[id], block.hashes.count >= count else {
                throw MerkleError(.subtreeMissing, "The store holds no block \(id) with the \(count) subtrees a tree of \(size) leaves ends with.")
            }
            while open.count <= id.band { open.append([]) }
            open[id.band] = Array(block.hashes.prefix(count))
        }
        // Each subtree of the compact range lies in its band's unfinished block.
        var hashes: [Hash] = []
        for subtree in SubtreeID.compactRange(size: size) {
            let id = SubtreeBlockID(holding: subtree)
            guard id.band < open.count, let hash = SubtreeBlock(id: id, hashes: open[id.band]).hash(of: subtree) else {
                throw MerkleError(.subtreeMissing, "The block \(id) does not give the subtree \(subtree) of a tree of \(size) leaves.")
            }
            hashes.append(hash)
        }
        range = try CompactRange(size: size, hashes: hashes)
    }

    /// The blocks a tree of `size` leaves ends with: one per band whose last block is unfinished.
    public static func openBlockIDs(size: Int) -> [SubtreeBlockID] {
        var ids: [SubtreeBlockID] = []
        var band = 0
        while size >> (band * SubtreeBlockID.levelsPerBand) > 0 {
            let subtrees = size >> (band * SubtreeBlockID.levelsPerBand)
            if subtrees % SubtreeBlockID.width != 0 {
                ids.append(SubtreeBlockID(band: band, index: subtrees / SubtreeBlockID.width))
            }
            band += 1
        }
        return ids
    }

    /// The number of leaves.
    public var size: Int { range.size }

    /// `MTH(D[0:size])`.
    public var rootHash: Hash { range.rootHash }

    /// The unfinished blocks, as far as they are filled.
    public var openBlocks: [SubtreeBlock] {
        open.enumerated().compactMap { band, hashes in
            guard !hashes.isEmpty else { return nil }
            let index = (size >> (band * SubtreeBlockID.levelsPerBand)) / SubtreeBlockID.width
            return SubtreeBlock(id: SubtreeBlockID(band: band, index: index), hashes: hashes)
        }
    }

    /// Appends leaf `size` and returns the blocks it finishes, lowest band first.
    @discardableResult
    public mutating func append(leafHash: Hash) -> [SubtreeBlock] {
        var finished: [SubtreeBlock] = []
        for subtree in range.append(leafHash: leafHash) where subtree.id.level % SubtreeBlockID.levelsPerBand == 0 {
            let band = subtree.id.level / SubtreeBlockID.levelsPerBand
            if open.count == band { open.append([]) }
            open[band].append(subtree.hash)
            if open[band].count == SubtreeBlockID.width {
                finished.append(SubtreeBlock(id: SubtreeBlockID(band: band, index: subtree.id.index / SubtreeBlockID.width), hashes: open[band]))
                open[band].removeAll(keepingCapacity: true)
            }
        }
        return finished
    }
}
