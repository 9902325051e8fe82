import ShareAudit
import Testing

/// A tree of 100,000 leaves, the size the broker's log must handle.
@Suite("100,000 leaves")
struct ScaleTests {
    static let size = 100_000

    @Test func largeTree() throws {
        let leaves = sampleLeafHashes(Self.size)
        var tree = MerkleTree()
        for leaf in leaves {
            tree.append(leafHash: leaf)
        }
        #expect(tree.count == Self.size)
        let root = tree.rootHash
        #expect(root == ReferenceMerkle.mth(leaves))
        #expect(MerkleTree(leafHashes: leaves).rootHash == root)

        // ceil(log2(100_000)) = 17: no inclusion path is longer, no consistency proof longer than 18.
        for index in [0, 1, 12_345, 65_535, 65_536, 99_998, 99_999] {
            let path = try tree.inclusionProof(index: index, size: Self.size)
            #expect(path.count <= 17)
            try ProofVerifier.verifyInclusion(leafIndex: index, treeSize: Self.size, leafHash: leaves[index], path: path, rootHash: root)
        }
        #expect(try tree.inclusionProof(index: 12_345, size: Self.size) == ReferenceMerkle.path(12_345, leaves))

        for first in [1, 2, 3, 1_000, 65_536, 65_537, 99_999, 100_000] {
            let proof = try tree.consistencyProof(from: first, to: Self.size)
            #expect(proof.count <= 18)
            try ProofVerifier.verifyConsistency(
                first: first, second: Self.size, firstHash: try tree.rootHash(size: first), secondHash: root, path: proof)
        }
        #expect(try tree.consistencyProof(from: 54_321, to: Self.size) == ReferenceMerkle.proof(54_321, leaves))
    }
}
