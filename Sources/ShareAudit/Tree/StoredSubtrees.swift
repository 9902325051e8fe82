/// The subtree blocks one query read from a store, as a tree of `count` leaves: answer the
/// query through `SubtreeHashes` after fetching the blocks holding what `SubtreeReads` named.
public struct StoredSubtrees: SubtreeHashes, Sendable {
    public let count: Int
    public let blocks: [SubtreeBlockID: SubtreeBlock]

    public init(count: Int, blocks: [SubtreeBlockID: SubtreeBlock]) {
        self.count = count
        self.blocks = blocks
    }

    public func hash(of subtree: SubtreeID) throws(MerkleError) -> Hash {
        guard let hash = blocks[SubtreeBlockID(holding: subtree)]?.hash(of: subtree) else {
            throw MerkleError(.subtreeMissing, "The store holds no hash of the complete subtree \(subtree) of a tree of \(count) leaves.")
        }
        return hash
    }
}

/// The complete subtrees a query reads, found by running it over placeholder hashes: a
/// query's reads depend on its sizes and indices only, never on the hashes.
public struct SubtreeReads: SubtreeHashes {
    public let count: Int
    private let read = Reads()

    private final class Reads {
        var ids: Set<SubtreeID> = []
    }

    private init(count: Int) {
        self.count = count
    }

    public func hash(of subtree: SubtreeID) throws(MerkleError) -> Hash {
        read.ids.insert(subtree)
        return MerkleHasher.emptyRoot
    }

    /// The subtrees `query` reads in a tree of `count` leaves; throws what the query throws for
    /// sizes or indices out of range.
    public static func of(count: Int, _ query: (SubtreeReads) throws -> Void) rethrows -> Set<SubtreeID> {
        let reads = SubtreeReads(count: count)
        try query(reads)
        return reads.read.ids
    }

    /// The blocks holding the subtrees `query` reads (`SubtreeBlockID(holding:)`).
    public static func blocks(count: Int, _ query: (SubtreeReads) throws -> Void) rethrows -> Set<SubtreeBlockID> {
        Set(try of(count: count, query).map(SubtreeBlockID.init(holding:)))
    }
}
