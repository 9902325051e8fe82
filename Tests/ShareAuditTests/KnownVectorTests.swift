import ShareAudit
import Testing

/// The RFC 6962 test vectors used by transparency-dev/merkle (proof/verify_test.go) and
/// certificate-transparency-go: eight entries, the roots of every prefix, and the inclusion and
/// consistency proofs listed there (their leaf numbers are 1-based; the indices here are 0-based).
@Suite("RFC 6962 test vectors")
struct KnownVectorTests {
    static let entries: [[UInt8]] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ].map(hexBytes)

    static let roots: [Hash] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hexHash)

    static let emptyRoot = hexHash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")

    struct InclusionVector: Sendable, CustomTestStringConvertible {
        let index: Int
        let size: Int
        let path: [Hash]
        var testDescription: String { "leaf \(index) of \(size)" }
    }

    struct ConsistencyVector: Sendable, CustomTestStringConvertible {
        let first: Int
        let second: Int
        let path: [Hash]
        var testDescription: String { "\(first) to \(second)" }
    }

    static let inclusionVectors: [InclusionVector] = [
        InclusionVector(index: 0, size: 1, path: []),
        InclusionVector(index: 0, size: 8, path: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ].map(hexHash)),
        InclusionVector(index: 5, size: 8, path: [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hexHash)),
        InclusionVector(index: 2, size: 3, path: [
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        ].map(hexHash)),
        InclusionVector(index: 1, size: 5, path: [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ].map(hexHash)),
    ]

    static let consistencyVectors: [ConsistencyVector] = [
        ConsistencyVector(first: 1, second: 1, path: []),
        ConsistencyVector(first: 1, second: 8, path: [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ].map(hexHash)),
        ConsistencyVector(first: 6, second: 8, path: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hexHash)),
        ConsistencyVector(first: 2, second: 5, path: [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ].map(hexHash)),
        ConsistencyVector(first: 6, second: 7, path: [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ].map(hexHash)),
    ]

    /// The tree of the eight entries, fed as entry bytes.
    static func tree() -> MerkleTree {
        var tree = MerkleTree()
        for entry in entries {
            tree.append(entry: entry)
        }
        return tree
    }

    @Test func emptyTreeRoot() throws {
        #expect(MerkleHasher.emptyRoot == Self.emptyRoot)
        #expect(MerkleTree().rootHash == Self.emptyRoot)
        #expect(try MerkleTree().rootHash(size: 0) == Self.emptyRoot)
        #expect(try Self.tree().rootHash(size: 0) == Self.emptyRoot)
        #expect(ReferenceMerkle.emptyRoot == Self.emptyRoot)
    }

    // The root of a one-leaf tree is the leaf hash of the empty entry.
    @Test func leafHashOfEmptyEntry() {
        #expect(MerkleHasher.leafHash([UInt8]()) == Self.roots[0])
    }

    // Roots from the eight-leaf tree at each earlier size, from a tree of exactly that size,
    // and from the reference implementation.
    @Test(arguments: 1...8)
    func rootOfPrefix(size: Int) throws {
        let expected = Self.roots[size - 1]
        #expect(try Self.tree().rootHash(size: size) == expected)
        var exact = MerkleTree()
        for entry in Self.entries.prefix(size) {
            exact.append(entry: entry)
        }
        #expect(exact.count == size)
        #expect(exact.rootHash == expected)
        #expect(ReferenceMerkle.mth(Self.entries.prefix(size).map(ReferenceMerkle.leafHash)) == expected)
    }

    @Test(arguments: inclusionVectors)
    func inclusionVector(_ vector: InclusionVector) throws {
        let tree = Self.tree()
        #expect(try tree.inclusionProof(index: vector.index, size: vector.size) == vector.path)
        let leafHash = MerkleHasher.leafHash(Self.entries[vector.index])
        try ProofVerifier.verifyInclusion(
            leafIndex: vector.index, treeSize: vector.size, leafHash: leafHash,
            path: vector.path, rootHash: Self.roots[vector.size - 1])
    }

    @Test(arguments: consistencyVectors)
    func consistencyVector(_ vector: ConsistencyVector) throws {
        let tree = Self.tree()
        #expect(try tree.consistencyProof(from: vector.first, to: vector.second) == vector.path)
        try ProofVerifier.verifyConsistency(
            first: vector.first, second: vector.second,
            firstHash: Self.roots[vector.first - 1], secondHash: Self.roots[vector.second - 1],
            path: vector.path)
    }

    // transparency-dev/merkle testdata/consistency/1/happy-path.json writes the same proof in base64.
    @Test func base64FormOfHappyPathFile() throws {
        #expect(Self.roots[0].base64 == "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=")
        #expect(Self.roots[7].base64 == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")
        let proof = try Self.tree().consistencyProof(from: 1, to: 8)
        #expect(proof.map(\.base64) == [
            "lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c=",
            "Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4=",
            "a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ=",
        ])
        #expect(Hash(base64: "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=") == Self.roots[7])
    }
}
