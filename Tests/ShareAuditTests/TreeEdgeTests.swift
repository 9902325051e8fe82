import ShareAudit
import Testing

/// The tree stored as blocks of eight subtree hashes (`SubtreeBlockID`, `SubtreeBlock`,
/// `TreeEdge`), checked against the tree in memory.
@Suite("Subtree blocks and the tree's edge")
struct TreeEdgeTests {
    @Test("every subtree is held by the block of its band that covers its leaves")
    func holdingBlock() {
        #expect(SubtreeBlockID(holding: .leaf(0)) == SubtreeBlockID(band: 0, index: 0))
        #expect(SubtreeBlockID(holding: .leaf(17)) == SubtreeBlockID(band: 0, index: 2))
        #expect(SubtreeBlockID(holding: SubtreeID(level: 2, index: 5)) == SubtreeBlockID(band: 0, index: 2))
        #expect(SubtreeBlockID(holding: SubtreeID(level: 3, index: 9)) == SubtreeBlockID(band: 1, index: 1))
        #expect(SubtreeBlockID(holding: SubtreeID(level: 7, index: 3)) == SubtreeBlockID(band: 2, index: 0))
        for level in 0..<12 {
            for index in 0..<40 {
                let subtree = SubtreeID(level: level, index: index)
                let block = SubtreeBlockID(holding: subtree)
                let held = block.firstSubtree.leaves.lowerBound..<(block.firstSubtree.leaves.lowerBound + SubtreeBlockID.width << block.level)
                #expect(held.contains(subtree.leaves.lowerBound) && subtree.leaves.upperBound <= held.upperBound, "\(subtree) in \(block)")
            }
        }
    }

    @Test("a block gives the hash of every subtree it holds whose part of the block is stored, and no other")
    func blockHashes() throws {
        let tree = sampleTree(300)
        for band in 0..<3 {
            for index in 0..<(300 >> (3 * band + 3)) + 1 {
                let block = storedBlock(SubtreeBlockID(band: band, index: index), of: tree)
                for level in block.id.level..<(block.id.level + 3) {
                    for subtree in (0..<(300 >> level)).map({ SubtreeID(level: level, index: $0) }) {
                        let inside = SubtreeBlockID(holding: subtree) == block.id
                        let complete = subtree.leaves.upperBound <= block.id.firstSubtree.leaves.lowerBound + block.hashes.count << block.id.level
                        #expect(block.hash(of: subtree) == (inside && complete ? tree.hash(of: subtree) : nil), "\(subtree) from \(block.id)")
                    }
                }
                if !block.hashes.isEmpty {
                    #expect(try SubtreeBlock(id: block.id, bytes: block.bytes) == block)
                }
            }
        }
        expectMerkleError(.malformedHash) { _ = try SubtreeBlock(id: SubtreeBlockID(band: 0, index: 0), bytes: [UInt8](repeating: 0, count: 33)) }
        expectMerkleError(.malformedHash) { _ = try SubtreeBlock(id: SubtreeBlockID(band: 0, index: 0), bytes: [UInt8](repeating: 0, count: 9 * 32)) }
        expectMerkleError(.malformedHash) { _ = try SubtreeBlock(id: SubtreeBlockID(band: 0, index: 0), bytes: []) }
    }

    @Test("appending finishes each block once, with the tree in memory's hashes; the open blocks hold the rest, and the root is the reference")
    func appendFinishesBlocks() throws {
        let tree = sampleTree(1_100)
        var edge = TreeEdge()
        var finished: [SubtreeBlockID: SubtreeBlock] = [:]
        for index in 0..<tree.count {
            for block in edge.append(leafHash: try tree.leafHash(at: index)) {
                #expect(finished.updateValue(block, forKey: block.id) == nil, "\(block.id) finished twice")
                #expect(block.hashes.count == SubtreeBlockID.width)
                #expect(block.id.firstSubtree.leaves.lowerBound + SubtreeBlockID.width << block.id.level == index + 1,
                        "a block is finished by its last leaf")
                #expect(block == storedBlock(block.id, of: tree))
            }
            let size = index + 1
            #expect(edge.size == size)
            #expect(edge.openBlocks.map(\.id) == TreeEdge.openBlockIDs(size: size))
            let prefix = MerkleTree(leafHashes: try (0..<size).map { try tree.leafHash(at: $0) })
            for block in edge.openBlocks { #expect(block == storedBlock(block.id, of: prefix)) }
            #expect(edge.rootHash == prefix.rootHash)
        }
        // About one block per seven leaves: n / 8 + n / 64 + ...
        #expect(finished.count == (1_100 / 8) + (1_100 / 64) + (1_100 / 512))
    }

    @Test("an edge read back from stored blocks appends as the original does, and a missing block is an error")
    func edgeFromStoredBlocks() throws {
        let tree = sampleTree(777)
        for size in [0, 1, 7, 8, 9, 63, 64, 65, 511, 512, 513, 700] {
            let prefix = MerkleTree(leafHashes: try (0..<size).map { try tree.leafHash(at: $0) })
            // The store may hold more of a block than the size needs: another process went on.
            let stored = Dictionary(uniqueKeysWithValues: TreeEdge.openBlockIDs(size: size).map { ($0, storedBlock($0, of: tree)) })
            var resumed = try TreeEdge(size: size, blocks: stored)
            #expect(resumed.rootHash == prefix.rootHash)
            #expect(resumed.openBlocks.map { $0.hashes.count } == TreeEdge.openBlockIDs(size: size).map { $0.completeSubtrees(size: size) })
            var finished: [SubtreeBlock] = []
            for index in size..<tree.count { finished += resumed.append(leafHash: try tree.leafHash(at: index)) }
            #expect(resumed.rootHash == tree.rootHash)
            for block in finished { #expect(block == storedBlock(block.id, of: tree)) }
        }
        expectMerkleError(.subtreeMissing) { _ = try TreeEdge(size: 9, blocks: [:]) }
        let short = SubtreeBlock(id: SubtreeBlockID(band: 0, index: 1), hashes: [])
        expectMerkleError(.subtreeMissing) { _ = try TreeEdge(size: 10, blocks: [short.id: short]) }
    }
}
