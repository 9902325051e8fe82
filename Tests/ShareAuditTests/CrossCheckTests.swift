import ShareAudit
import Testing

/// The fast tree against the naive RFC recursion for every size up to 70: roots, every inclusion
/// path and every consistency proof must be identical, and the verifiers must accept them.
@Suite("Fast tree matches the RFC 9162 reference")
struct CrossCheckTests {
    static let maxSize = 70
    static let leaves = sampleLeafHashes(maxSize)
    static let tree = MerkleTree(leafHashes: leaves)

    @Test(arguments: 1...maxSize)
    func rootsMatch(size: Int) throws {
        let expected = ReferenceMerkle.mth(Array(Self.leaves.prefix(size)))
        #expect(try Self.tree.rootHash(size: size) == expected)
        #expect(MerkleTree(leafHashes: Self.leaves.prefix(size)).rootHash == expected)
    }

    @Test(arguments: 1...maxSize)
    func inclusionPathsMatch(size: Int) throws {
        let prefix = Array(Self.leaves.prefix(size))
        let root = ReferenceMerkle.mth(prefix)
        for index in 0..<size {
            let path = try Self.tree.inclusionProof(index: index, size: size)
            #expect(path == ReferenceMerkle.path(index, prefix), "leaf \(index) of \(size)")
            #expect(
                ProofVerifier.isValidInclusion(leafIndex: index, treeSize: size, leafHash: prefix[index], path: path, rootHash: root),
                "leaf \(index) of \(size)")
            #expect(try ProofVerifier.rootFromInclusionProof(leafIndex: index, treeSize: size, leafHash: prefix[index], path: path) == root)
        }
    }

    @Test(arguments: 1...maxSize)
    func consistencyProofsMatch(second: Int) throws {
        let prefix = Array(Self.leaves.prefix(second))
        let secondRoot = ReferenceMerkle.mth(prefix)
        for first in 1...second {
            let proof = try Self.tree.consistencyProof(from: first, to: second)
            #expect(proof == ReferenceMerkle.proof(first, prefix), "\(first) to \(second)")
            let firstRoot = ReferenceMerkle.mth(Array(prefix.prefix(first)))
            #expect(
                ProofVerifier.isValidConsistency(first: first, second: second, firstHash: firstRoot, secondHash: secondRoot, path: proof),
                "\(first) to \(second)")
        }
    }

    // Appending one leaf at a time: each append returns the next index and moves the root to the
    // reference root of the new prefix.
    @Test func appendsOneAtATime() throws {
        var tree = MerkleTree()
        #expect(tree.count == 0)
        for (index, leaf) in Self.leaves.enumerated() {
            #expect(tree.append(leafHash: leaf) == index)
            #expect(tree.count == index + 1)
            #expect(tree.rootHash == ReferenceMerkle.mth(Array(Self.leaves.prefix(index + 1))), "after \(index + 1) leaves")
            #expect(try tree.leafHash(at: index) == leaf)
        }
    }

    // A tree rebuilt from its stored leaf hashes answers exactly as the original.
    @Test func rebuildFromStoredLeafHashes() throws {
        let stored = try (0..<Self.tree.count).map { index in try Self.tree.leafHash(at: index) }
        let rebuilt = MerkleTree(leafHashes: stored)
        #expect(rebuilt.count == Self.tree.count)
        #expect(rebuilt.rootHash == Self.tree.rootHash)
        #expect(try rebuilt.inclusionProof(index: 41, size: 67) == Self.tree.inclusionProof(index: 41, size: 67))
        #expect(try rebuilt.consistencyProof(from: 13, to: 70) == Self.tree.consistencyProof(from: 13, to: 70))
    }

    // Entries fed as bytes hash as RFC 9162 leaves.
    @Test func appendEntryHashesAsLeaf() {
        var tree = MerkleTree()
        let entries = (0..<5).map { Array("entry \($0)".utf8) }
        for entry in entries {
            tree.append(entry: entry)
        }
        #expect(tree.rootHash == ReferenceMerkle.mth(entries.map(ReferenceMerkle.leafHash)))
    }
}
