import ShareAudit
import Testing

/// The arithmetic of a tree kept as stored complete subtrees (`CompactRange`, `SubtreeID`,
/// `SubtreeReads`, `StoredSubtrees` over blocks), checked against the tree in memory and the reference.
@Suite("Stored subtrees")
struct StoredSubtreeTests {
    @Test("a compact range appended leaf by leaf has the reference root at every size up to 300")
    func compactRangeRoots() throws {
        let leaves = sampleLeafHashes(300)
        var range = CompactRange()
        #expect(range.rootHash == MerkleHasher.emptyRoot)
        for size in 1...leaves.count {
            range.append(leafHash: leaves[size - 1])
            #expect(range.size == size)
            #expect(range.rootHash == ReferenceMerkle.mth(Array(leaves[..<size])))
        }
    }

    @Test("append finishes every complete subtree exactly once, with the tree in memory's hash; the compact range covers [0, size)")
    func finishedSubtrees() throws {
        let tree = sampleTree(1_000)
        var range = CompactRange()
        var finished: [SubtreeID: Hash] = [:]
        for index in 0..<tree.count {
            for subtree in range.append(leafHash: try tree.leafHash(at: index)) {
                #expect(finished.updateValue(subtree.hash, forKey: subtree.id) == nil, "\(subtree.id) finished twice")
                #expect(subtree.id.leaves.upperBound == index + 1, "a subtree is finished by its last leaf")
                #expect(subtree.hash == tree.hash(of: subtree.id))
            }
            let ids = SubtreeID.compactRange(size: range.size)
            #expect(ids.map(\.leaves.count).reduce(0, +) == range.size)
            #expect(ids.first?.leaves.lowerBound == 0)
            #expect(zip(ids, ids.dropFirst()).allSatisfy { $0.leaves.upperBound == $1.leaves.lowerBound })
            #expect(range.hashes == ids.map { tree.hash(of: $0) })
        }
        // Fewer than 2 n subtrees in all: n leaves and n - popcount(n) parents.
        #expect(finished.count == 2 * tree.count - tree.count.nonzeroBitCount)
    }

    @Test("a compact range read back from stored hashes appends as the original does")
    func compactRangeFromStoredHashes() throws {
        let tree = sampleTree(777)
        for size in [0, 1, 2, 3, 255, 256, 257, 500] {
            var resumed = try CompactRange(size: size, hashes: SubtreeID.compactRange(size: size).map { tree.hash(of: $0) })
            for index in size..<tree.count { resumed.append(leafHash: try tree.leafHash(at: index)) }
            #expect(resumed.rootHash == tree.rootHash)
        }
        expectMerkleError(.sizeOutOfRange) { _ = try CompactRange(size: 3, hashes: [MerkleHasher.emptyRoot]) }
    }

    @Test("roots, inclusion and consistency proofs from the subtrees a query reads equal the tree in memory's, for every size up to 70")
    func queriesFromReadSubtrees() throws {
        let tree = sampleTree(70)
        for size in 1...tree.count {
            #expect(try answer(tree, size) { try $0.rootHash(size: size) } == tree.rootHash(size: size))
            for index in 0..<size {
                #expect(try answer(tree, size) { try $0.inclusionProof(index: index, size: size) } == tree.inclusionProof(index: index, size: size))
                #expect(try answer(tree, size) { try $0.leafHash(at: index) } == tree.leafHash(at: index))
            }
            for first in 1...size {
                #expect(try answer(tree, size) { try $0.consistencyProof(from: first, to: size) } == tree.consistencyProof(from: first, to: size))
            }
        }
    }

    @Test("a query reads O(log n) subtrees, at most 2 log2(n) + 2, from at most 2 log8(n) + 4 blocks, even at 10^8 leaves")
    func readCounts() throws {
        let count = 100_000_000
        let bound = 2 * (Int.bitWidth - count.leadingZeroBitCount) + 2
        let blockBound = 2 * ((Int.bitWidth - count.leadingZeroBitCount + 2) / 3) + 4
        for index in [0, 12_345_678, 67_108_863, 67_108_864, count - 1] {
            let query: (SubtreeReads) throws -> Void = { _ = try $0.inclusionProof(index: index, size: count) }
            #expect(try SubtreeReads.of(count: count, query).count <= bound)
            #expect(try SubtreeReads.blocks(count: count, query).count <= blockBound, "inclusion of \(index)")
        }
        for first in [1, 7, 98_765_431, count - 1] {
            let query: (SubtreeReads) throws -> Void = { _ = try $0.consistencyProof(from: first, to: count) }
            #expect(try SubtreeReads.of(count: count, query).count <= bound)
            #expect(try SubtreeReads.blocks(count: count, query).count <= blockBound, "consistency from \(first)")
        }
        let root = try SubtreeReads.of(count: count) { _ = try $0.rootHash(size: 99_999_999) }
        #expect(root.count <= bound)
        #expect(root == Set(SubtreeID.compactRange(size: 99_999_999)))
        #expect(try SubtreeReads.blocks(count: count) { _ = try $0.rootHash(size: 99_999_999) } == Set(TreeEdge.openBlockIDs(size: 99_999_999)))
    }

    @Test("a subtree the store lacks is an error, never a made-up hash")
    func missingSubtree() throws {
        let tree = sampleTree(8)
        let partial = SubtreeBlock(id: SubtreeBlockID(band: 0, index: 0), hashes: [try tree.leafHash(at: 0)])
        expectMerkleError(.subtreeMissing) {
            _ = try StoredSubtrees(count: 8, blocks: [partial.id: partial]).inclusionProof(index: 0, size: 8)
        }
        expectMerkleError(.subtreeMissing) { _ = try StoredSubtrees(count: 8, blocks: [:]).rootHash(size: 8) }
        expectMerkleError(.sizeOutOfRange) { _ = try SubtreeReads.of(count: 8) { _ = try $0.rootHash(size: 9) } }
    }

    /// `query` answered from only the blocks holding the subtrees `SubtreeReads` says it reads,
    /// taken from `tree` as a store holds them.
    private func answer<T>(_ tree: MerkleTree, _ size: Int, _ query: (any SubtreeHashes) throws -> T) throws -> T {
        let ids = try SubtreeReads.blocks(count: tree.count) { _ = try query($0) }
        let stored = StoredSubtrees(count: tree.count, blocks: Dictionary(uniqueKeysWithValues: ids.map { ($0, storedBlock($0, of: tree)) }))
        return try query(stored)
    }
}

/// Block `id` as a store holds it for `tree`: the hashes of its subtrees complete in the tree.
func storedBlock(_ id: SubtreeBlockID, of tree: MerkleTree) -> SubtreeBlock {
    let first = id.firstSubtree.index
    return SubtreeBlock(id: id, hashes: (0..<id.completeSubtrees(size: tree.count)).map { tree.hash(of: SubtreeID(level: id.level, index: first + $0)) })
}
