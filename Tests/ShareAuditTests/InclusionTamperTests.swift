import ShareAudit
import Testing

/// Every way of altering an inclusion proof, or the claim it is checked against, makes the
/// check fail, while the proof as issued passes.
@Suite("Tampered inclusion proofs are refused")
struct InclusionTamperTests {
    static let sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 31, 32, 33, 70]
    static let leaves = sampleLeafHashes(2 * 70 + 2)
    static let tree = MerkleTree(leafHashes: leaves)

    private func verifies(_ index: Int, _ size: Int, _ leaf: Hash, _ path: [Hash], _ root: Hash) -> Bool {
        ProofVerifier.isValidInclusion(leafIndex: index, treeSize: size, leafHash: leaf, path: path, rootHash: root)
    }

    @Test(arguments: sizes)
    func alteredProofsFail(size: Int) throws {
        let root = try Self.tree.rootHash(size: size)
        for index in 0..<size {
            let leaf = Self.leaves[index]
            let path = try Self.tree.inclusionProof(index: index, size: size)
            let label = "leaf \(index) of \(size)"
            #expect(verifies(index, size, leaf, path, root), "untampered, \(label)")

            // Any single flipped bit of any element.
            for element in path.indices {
                for bit in 0..<(Hash.byteCount * 8) {
                    var altered = path
                    altered[element] = try flippingBit(bit, of: path[element])
                    #expect(!verifies(index, size, leaf, altered, root), "bit \(bit) of [\(element)], \(label)")
                }
            }
            // Dropping the last or the first element.
            if !path.isEmpty {
                #expect(!verifies(index, size, leaf, Array(path.dropLast()), root), "dropped last, \(label)")
                #expect(!verifies(index, size, leaf, Array(path.dropFirst()), root), "dropped first, \(label)")
            }
            // An extra element at the end or garbage in front.
            for extra in [garbageHash, root, leaf, MerkleHasher.emptyRoot] + path.suffix(1) {
                #expect(!verifies(index, size, leaf, path + [extra], root), "appended \(extra), \(label)")
                #expect(!verifies(index, size, leaf, [extra] + path, root), "prepended \(extra), \(label)")
            }
            // Two elements swapped.
            for first in path.indices {
                for second in path.indices where second > first {
                    try #require(path[first] != path[second])
                    var swapped = path
                    swapped.swapAt(first, second)
                    #expect(!verifies(index, size, leaf, swapped, root), "swapped [\(first)] and [\(second)], \(label)")
                }
            }
            // A wrong index: every other leaf of the tree, and indices outside it.
            for wrongIndex in [-1] + Array(0...size) where wrongIndex != index {
                #expect(!verifies(wrongIndex, size, leaf, path, root), "index \(wrongIndex), \(label)")
            }
            // A wrong root or a wrong leaf.
            var wrongRoots = [garbageHash, MerkleHasher.emptyRoot, leaf, try flippingBit(255, of: root), try Self.tree.rootHash(size: size + 1)]
            if size > 1 {
                wrongRoots.append(try Self.tree.rootHash(size: size - 1))
            }
            for wrongRoot in wrongRoots where wrongRoot != root {
                #expect(!verifies(index, size, leaf, path, wrongRoot), "root \(wrongRoot), \(label)")
            }
            for wrongLeaf in [garbageHash, Self.leaves[size], try flippingBit(0, of: leaf), root] where wrongLeaf != root || size > 1 {
                #expect(!verifies(index, size, wrongLeaf, path, root), "leaf hash \(wrongLeaf), \(label)")
            }
        }
    }

    // Doubling or halving the size, as transparency-dev/merkle probes, always fails.
    @Test(arguments: sizes)
    func doubledOrHalvedSizeFails(size: Int) throws {
        let root = try Self.tree.rootHash(size: size)
        for index in 0..<size {
            let path = try Self.tree.inclusionProof(index: index, size: size)
            for wrongSize in [size * 2, size / 2, 0, -1] where wrongSize != size {
                #expect(!verifies(index, wrongSize, Self.leaves[index], path, root), "size \(wrongSize), leaf \(index) of \(size)")
            }
        }
    }

    // Against the same root, a wrong size passes exactly when its audit path has the same shape
    // (same length, same sibling sides): sizes are only authenticated through the root. Every
    // other wrong size fails.
    @Test(arguments: sizes)
    func wrongSizePassesOnlyWithSameShape(size: Int) throws {
        let root = try Self.tree.rootHash(size: size)
        for index in 0..<size {
            let path = try Self.tree.inclusionProof(index: index, size: size)
            let shape = ReferenceMerkle.pathShape(index, size)
            for wrongSize in (index + 1)...(2 * size + 2) where wrongSize != size {
                let sameShape = ReferenceMerkle.pathShape(index, wrongSize) == shape
                #expect(
                    verifies(index, wrongSize, Self.leaves[index], path, root) == sameShape,
                    "size \(wrongSize) (same shape: \(sameShape)), leaf \(index) of \(size)")
            }
        }
    }

    // The documented limit, pinned: leaf 0's path in a 5-leaf tree also passes as "leaf 0 of 6"
    // against the 5-leaf root, because both paths hash right, right, right.
    @Test func sizeIsBoundOnlyByTheRoot() throws {
        let root = try Self.tree.rootHash(size: 5)
        let path = try Self.tree.inclusionProof(index: 0, size: 5)
        #expect(verifies(0, 6, Self.leaves[0], path, root))
        #expect(!verifies(0, 6, Self.leaves[0], path, try Self.tree.rootHash(size: 6)))
    }

    @Test func failuresSayWhy() throws {
        let root = try Self.tree.rootHash(size: 8)
        let path = try Self.tree.inclusionProof(index: 3, size: 8)
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyInclusion(leafIndex: 3, treeSize: 8, leafHash: Self.leaves[3], path: path + [garbageHash], rootHash: root)
        }
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyInclusion(leafIndex: 3, treeSize: 8, leafHash: Self.leaves[3], path: Array(path.dropLast()), rootHash: root)
        }
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyInclusion(leafIndex: 3, treeSize: 8, leafHash: Self.leaves[4], path: path, rootHash: root)
        }
        let error = #expect(throws: MerkleError.self) {
            try ProofVerifier.verifyInclusion(leafIndex: 3, treeSize: 8, leafHash: Self.leaves[3], path: path, rootHash: garbageHash)
        }
        #expect(error?.reason.contains(garbageHash.base64) == true)
    }
}
