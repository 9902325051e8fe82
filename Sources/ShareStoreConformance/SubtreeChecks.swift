import ShareAudit
import ShareStore
import Testing

/// `storedTreeSize`, `subtreeBlocks` and `saveSubtreeBlocks`: the Merkle tree kept beside the record.
enum SubtreeChecks {
    static let all = [
        StoreCheck("saveSubtreeBlocks stores blocks that subtreeBlocks reads back; one not stored is left out", savesAndReads),
        StoreCheck("storedTreeSize counts the stored leaves; an empty store has none", countsLeaves),
        StoreCheck("a stored block is only extended: a longer copy that begins with it replaces it, any other changes nothing",
                   onlyExtends),
        StoreCheck("a tree extended chunk by chunk gives the same roots and proofs as the tree in memory",
                   answersAsTheTreeInMemory),
        StoreCheck("two processes extending the tree at once store each block once, with no gap", concurrentExtensions),
    ]

    static func savesAndReads(_ store: any Store) async throws {
        var edge = TreeEdge()
        let finished = (0..<21).flatMap { edge.append(leafHash: leaf($0)) }
        let blocks = finished + edge.openBlocks
        #expect(blocks.map(\.id) == [SubtreeBlockID(band: 0, index: 0), SubtreeBlockID(band: 0, index: 1),
                                     SubtreeBlockID(band: 0, index: 2), SubtreeBlockID(band: 1, index: 0)])
        try await store.saveSubtreeBlocks(blocks)
        let missing = SubtreeBlockID(band: 0, index: 3)
        let read = try await store.subtreeBlocks(blocks.map(\.id) + [missing])
        #expect(read.count == blocks.count)
        for block in blocks { #expect(read[block.id] == block) }
        #expect(read[missing] == nil)
        #expect(try await store.subtreeBlocks([]).isEmpty)
    }

    static func countsLeaves(_ store: any Store) async throws {
        #expect(try await store.storedTreeSize() == 0)
        var edge = TreeEdge()
        for size in [3, 7, 8, 9, 70] {
            let finished = (edge.size..<size).flatMap { edge.append(leafHash: leaf($0)) }
            try await store.saveSubtreeBlocks(finished + edge.openBlocks)
            #expect(try await store.storedTreeSize() == size)
        }
    }

    static func onlyExtends(_ store: any Store) async throws {
        let id = SubtreeBlockID(band: 0, index: 0)
        let first = SubtreeBlock(id: id, hashes: [leaf(0), leaf(1)])
        try await store.saveSubtreeBlocks([first])
        try await store.saveSubtreeBlocks([SubtreeBlock(id: id, hashes: [leaf(0)])])
        try await store.saveSubtreeBlocks([SubtreeBlock(id: id, hashes: [leaf(9), leaf(1), leaf(2)])])
        try await store.saveSubtreeBlocks([SubtreeBlock(id: id, hashes: [leaf(0), leaf(9)])])
        #expect(try await store.subtreeBlocks([id]) == [id: first], "a shorter or a different copy changes nothing")
        let longer = SubtreeBlock(id: id, hashes: [leaf(0), leaf(1), leaf(2)])
        try await store.saveSubtreeBlocks([longer])
        #expect(try await store.subtreeBlocks([id]) == [id: longer])
        #expect(try await store.storedTreeSize() == 3)
    }

    static func answersAsTheTreeInMemory(_ store: any Store) async throws {
        var memory = MerkleTree()
        var edge = TreeEdge()
        for chunk in [1, 2, 5, 9, 16, 31, 64, 7] {
            var finished: [SubtreeBlock] = []
            for _ in 0..<chunk {
                memory.append(leafHash: leaf(memory.count))
                finished += edge.append(leafHash: leaf(edge.size))
            }
            try await store.saveSubtreeBlocks(finished + edge.openBlocks)
        }
        let size = try await store.storedTreeSize()
        #expect(size == memory.count)
        let resumed = try TreeEdge(size: size, blocks: try await store.subtreeBlocks(TreeEdge.openBlockIDs(size: size)))
        #expect(resumed.rootHash == memory.rootHash)
        for treeSize in [1, 7, 33, 64, 100, size] {
            let ids = try SubtreeReads.blocks(count: size) { tree in
                _ = try tree.rootHash(size: treeSize)
                _ = try tree.inclusionProof(index: treeSize / 2, size: treeSize)
                _ = try tree.consistencyProof(from: treeSize / 3 + 1, to: size)
            }
            let stored = StoredSubtrees(count: size, blocks: try await store.subtreeBlocks(Array(ids)))
            #expect(try stored.rootHash(size: treeSize) == memory.rootHash(size: treeSize))
            #expect(try stored.inclusionProof(index: treeSize / 2, size: treeSize) == memory.inclusionProof(index: treeSize / 2, size: treeSize))
            #expect(try stored.consistencyProof(from: treeSize / 3 + 1, to: size) == memory.consistencyProof(from: treeSize / 3 + 1, to: size))
        }
    }

    static func concurrentExtensions(_ store: any Store) async throws {
        var edge = TreeEdge()
        let saves = stride(from: 0, to: 100, by: 25).map { chunk in
            (chunk..<(chunk + 25)).flatMap { edge.append(leafHash: leaf($0)) } + edge.openBlocks
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for save in saves { try await store.saveSubtreeBlocks(save) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.storedTreeSize() == 100)
        let ids = (0..<13).map { SubtreeBlockID(band: 0, index: $0) } + [SubtreeBlockID(band: 1, index: 0), SubtreeBlockID(band: 1, index: 1),
                                                                          SubtreeBlockID(band: 2, index: 0)]
        let read = try await store.subtreeBlocks(ids)
        let memory = MerkleTree(leafHashes: (0..<100).map(leaf))
        #expect(read.count == ids.count)
        for (id, block) in read {
            #expect(block.hashes == (0..<block.hashes.count).map { memory.hash(of: SubtreeID(level: id.level, index: id.index * 8 + $0)) })
            #expect(block.hashes.count == id.completeSubtrees(size: 100))
        }
    }

    private static func leaf(_ index: Int) -> Hash {
        MerkleHasher.leafHash(Array("leaf \(index)".utf8))
    }
}
