import ShareAudit
import ShareStore
import Testing

/// `storedTreeSize`, `subtrees` and `saveSubtrees`: the Merkle tree kept beside the record.
enum SubtreeChecks {
    static let all = [
        StoreCheck("saveSubtrees stores subtrees that subtrees reads back; one not stored is left out", savesAndReads),
        StoreCheck("storedTreeSize counts the stored leaves; an empty store has none", countsLeaves),
        StoreCheck("saveSubtrees keeps the first hash of a subtree stored twice", keepsFirstHash),
        StoreCheck("a tree extended chunk by chunk gives the same roots and proofs as the tree in memory",
                   answersAsTheTreeInMemory),
        StoreCheck("two processes extending the tree at once store each subtree once, with no gap", concurrentExtensions),
    ]

    static func savesAndReads(_ store: any Store) async throws {
        var range = CompactRange()
        let finished = (0..<5).flatMap { range.append(leafHash: leaf($0)) }
        try await store.saveSubtrees(finished)
        let missing = SubtreeID(level: 1, index: 2)
        let read = try await store.subtrees(finished.map(\.id) + [missing])
        #expect(read.count == finished.count)
        for subtree in finished { #expect(read[subtree.id] == subtree.hash) }
        #expect(read[missing] == nil)
        #expect(try await store.subtrees([]).isEmpty)
    }

    static func countsLeaves(_ store: any Store) async throws {
        #expect(try await store.storedTreeSize() == 0)
        var range = CompactRange()
        try await store.saveSubtrees((0..<3).flatMap { range.append(leafHash: leaf($0)) })
        #expect(try await store.storedTreeSize() == 3)
        try await store.saveSubtrees((3..<7).flatMap { range.append(leafHash: leaf($0)) })
        #expect(try await store.storedTreeSize() == 7)
    }

    static func keepsFirstHash(_ store: any Store) async throws {
        try await store.saveSubtrees([(.leaf(0), leaf(0))])
        try await store.saveSubtrees([(.leaf(0), leaf(1)), (.leaf(1), leaf(1))])
        #expect(try await store.subtrees([.leaf(0), .leaf(1)]) == [.leaf(0): leaf(0), .leaf(1): leaf(1)])
    }

    static func answersAsTheTreeInMemory(_ store: any Store) async throws {
        var memory = MerkleTree()
        var range = CompactRange()
        for chunk in [1, 2, 5, 9, 16, 31] {
            var finished: [(id: SubtreeID, hash: Hash)] = []
            for _ in 0..<chunk {
                memory.append(leafHash: leaf(memory.count))
                finished += range.append(leafHash: leaf(range.size))
            }
            try await store.saveSubtrees(finished)
        }
        let size = try await store.storedTreeSize()
        #expect(size == memory.count)
        for treeSize in [1, 7, 33, 64] {
            let ids = try SubtreeReads.of(count: size) { tree in
                _ = try tree.rootHash(size: treeSize)
                _ = try tree.inclusionProof(index: treeSize / 2, size: treeSize)
                _ = try tree.consistencyProof(from: treeSize / 3 + 1, to: size)
            }
            let stored = StoredSubtrees(count: size, hashes: try await store.subtrees(Array(ids)))
            #expect(try stored.rootHash(size: treeSize) == memory.rootHash(size: treeSize))
            #expect(try stored.inclusionProof(index: treeSize / 2, size: treeSize) == memory.inclusionProof(index: treeSize / 2, size: treeSize))
            #expect(try stored.consistencyProof(from: treeSize / 3 + 1, to: size) == memory.consistencyProof(from: treeSize / 3 + 1, to: size))
        }
    }

    static func concurrentExtensions(_ store: any Store) async throws {
        var range = CompactRange()
        let finished = (0..<100).flatMap { range.append(leafHash: leaf($0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for chunk in stride(from: 0, to: finished.count, by: 25) {
                        try await store.saveSubtrees(Array(finished[chunk..<min(chunk + 25, finished.count)]))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await store.storedTreeSize() == 100)
        let read = try await store.subtrees(finished.map(\.id))
        for subtree in finished { #expect(read[subtree.id] == subtree.hash) }
    }

    private static func leaf(_ index: Int) -> Hash {
        MerkleHasher.leafHash(Array("leaf \(index)".utf8))
    }
}
