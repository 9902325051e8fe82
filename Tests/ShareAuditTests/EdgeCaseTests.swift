import ShareAudit
import Testing

/// The boundaries: one-leaf trees, equal sizes, the empty tree, and out-of-range arguments.
@Suite("Edge cases")
struct EdgeCaseTests {
    static let tree = sampleTree(10)

    // In a one-leaf tree the path is empty and the root is the leaf hash itself.
    @Test func sizeOneInclusionHasEmptyPath() throws {
        let leaf = try Self.tree.leafHash(at: 0)
        let path = try Self.tree.inclusionProof(index: 0, size: 1)
        #expect(path.isEmpty)
        #expect(try Self.tree.rootHash(size: 1) == leaf)
        try ProofVerifier.verifyInclusion(leafIndex: 0, treeSize: 1, leafHash: leaf, path: [], rootHash: leaf)
        #expect(!ProofVerifier.isValidInclusion(leafIndex: 0, treeSize: 1, leafHash: leaf, path: [leaf], rootHash: leaf))
        #expect(!ProofVerifier.isValidInclusion(leafIndex: 0, treeSize: 1, leafHash: leaf, path: [], rootHash: garbageHash))
        #expect(!ProofVerifier.isValidInclusion(leafIndex: 1, treeSize: 1, leafHash: leaf, path: [], rootHash: leaf))
    }

    // From a size to itself the proof is empty, and it passes only with equal roots.
    @Test(arguments: 1...10)
    func consistencyWithEqualSizesIsEmpty(size: Int) throws {
        let root = try Self.tree.rootHash(size: size)
        #expect(try Self.tree.consistencyProof(from: size, to: size).isEmpty)
        try ProofVerifier.verifyConsistency(first: size, second: size, firstHash: root, secondHash: root, path: [])
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyConsistency(first: size, second: size, firstHash: root, secondHash: garbageHash, path: [])
        }
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyConsistency(first: size, second: size, firstHash: root, secondHash: root, path: [root])
        }
    }

    // RFC 9162 defines no consistency proof from the empty tree; both sides refuse it.
    @Test func consistencyFromZeroIsRefused() {
        for second in [0, 1, 5, 10] {
            expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.consistencyProof(from: 0, to: second) }
        }
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.consistencyProof(from: -1, to: 3) }
        expectMerkleError(.sizeOutOfRange) {
            try ProofVerifier.verifyConsistency(
                first: 0, second: 0, firstHash: MerkleHasher.emptyRoot, secondHash: MerkleHasher.emptyRoot, path: [])
        }
        expectMerkleError(.sizeOutOfRange) {
            try ProofVerifier.verifyConsistency(
                first: 0, second: 3, firstHash: MerkleHasher.emptyRoot, secondHash: try Self.tree.rootHash(size: 3), path: [])
        }
    }

    @Test func consistencyBackwardsOrBeyondTheTreeIsRefused() throws {
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.consistencyProof(from: 5, to: 4) }
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.consistencyProof(from: 5, to: 11) }
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.consistencyProof(from: 11, to: 11) }
        let root4 = try Self.tree.rootHash(size: 4)
        let root5 = try Self.tree.rootHash(size: 5)
        expectMerkleError(.sizeOutOfRange) {
            try ProofVerifier.verifyConsistency(first: 5, second: 4, firstHash: root5, secondHash: root4, path: [garbageHash])
        }
    }

    @Test func inclusionIndexAtOrBeyondSizeIsRefused() throws {
        for size in [1, 2, 7, 10] {
            expectMerkleError(.indexOutOfRange) { _ = try Self.tree.inclusionProof(index: size, size: size) }
            expectMerkleError(.indexOutOfRange) { _ = try Self.tree.inclusionProof(index: size + 3, size: size) }
            expectMerkleError(.indexOutOfRange) { _ = try Self.tree.inclusionProof(index: -1, size: size) }
            let root = try Self.tree.rootHash(size: size)
            let leaf = try Self.tree.leafHash(at: 0)
            expectMerkleError(.indexOutOfRange) {
                try ProofVerifier.verifyInclusion(leafIndex: size, treeSize: size, leafHash: leaf, path: [], rootHash: root)
            }
            expectMerkleError(.indexOutOfRange) {
                try ProofVerifier.verifyInclusion(leafIndex: -1, treeSize: size, leafHash: leaf, path: [], rootHash: root)
            }
        }
    }

    @Test func inclusionSizeOutOfRangeIsRefused() {
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.inclusionProof(index: 0, size: 0) }
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.inclusionProof(index: 0, size: 11) }
        expectMerkleError(.sizeOutOfRange) { _ = try MerkleTree().inclusionProof(index: 0, size: 1) }
        expectMerkleError(.sizeOutOfRange) {
            try ProofVerifier.verifyInclusion(leafIndex: 0, treeSize: 0, leafHash: garbageHash, path: [], rootHash: MerkleHasher.emptyRoot)
        }
        expectMerkleError(.sizeOutOfRange) {
            _ = try ProofVerifier.rootFromInclusionProof(leafIndex: 0, treeSize: -4, leafHash: garbageHash, path: [])
        }
    }

    @Test func rootAndLeafOutOfRangeAreRefused() throws {
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.rootHash(size: 11) }
        expectMerkleError(.sizeOutOfRange) { _ = try Self.tree.rootHash(size: -1) }
        expectMerkleError(.sizeOutOfRange) { _ = try MerkleTree().rootHash(size: 1) }
        expectMerkleError(.indexOutOfRange) { _ = try Self.tree.leafHash(at: 10) }
        expectMerkleError(.indexOutOfRange) { _ = try Self.tree.leafHash(at: -1) }
        #expect(try Self.tree.rootHash(size: 10) == Self.tree.rootHash)
    }

    // Appending never changes what earlier sizes answer: the log is append-only.
    @Test func appendingKeepsEarlierAnswers() throws {
        var tree = sampleTree(9)
        let root9 = tree.rootHash
        let path = try tree.inclusionProof(index: 4, size: 9)
        let proof = try tree.consistencyProof(from: 3, to: 9)
        tree.append(leafHash: garbageHash)
        tree.append(entry: Array("more".utf8))
        #expect(tree.count == 11)
        #expect(tree.rootHash != root9)
        #expect(try tree.rootHash(size: 9) == root9)
        #expect(try tree.inclusionProof(index: 4, size: 9) == path)
        #expect(try tree.consistencyProof(from: 3, to: 9) == proof)
    }

    @Test func errorsDescribeThemselves() {
        let error = MerkleError(.invalidProof, "because")
        #expect(error.description == "invalid-proof: because")
        #expect(error == MerkleError(.invalidProof, "another reason"))
        #expect(error != MerkleError(.sizeOutOfRange, "because"))
        #expect(MerkleError.Code.indexOutOfRange.rawValue == "index-out-of-range")
        #expect(MerkleError.Code.sizeOutOfRange.rawValue == "size-out-of-range")
        #expect(MerkleError.Code.malformedHash.rawValue == "malformed-hash")
        #expect(MerkleError.Code.malformedTreeHead.rawValue == "malformed-tree-head")
    }
}
