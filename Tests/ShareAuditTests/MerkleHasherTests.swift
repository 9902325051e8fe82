import Crypto
import Foundation
import ShareAudit
import Testing

@Suite("RFC 9162 hashing")
struct MerkleHasherTests {
    private func sha256(_ bytes: [UInt8]) throws -> Hash {
        try Hash(bytes: Array(SHA256.hash(data: bytes)))
    }

    @Test func leafHashIsPrefixedWithZero() throws {
        for entry in [[], [0x00], Array("a message".utf8), [UInt8](repeating: 0xAB, count: 1000)] as [[UInt8]] {
            #expect(MerkleHasher.leafHash(entry) == (try sha256([0x00] + entry)))
            #expect(MerkleHasher.leafHash(entry) != (try sha256(entry)))
        }
    }

    @Test func nodeHashIsPrefixedWithOneAndOrdered() throws {
        let left = MerkleHasher.leafHash(Array("left".utf8))
        let right = MerkleHasher.leafHash(Array("right".utf8))
        #expect(MerkleHasher.nodeHash(left, right) == (try sha256([0x01] + left.bytes + right.bytes)))
        #expect(MerkleHasher.nodeHash(left, right) != MerkleHasher.nodeHash(right, left))
        #expect(MerkleHasher.nodeHash(left, right) == ReferenceMerkle.nodeHash(left, right))
    }

    // Domain separation: the 64 bytes of two children hashed as a leaf do not give their parent.
    @Test func leafAndNodeHashesDiffer() {
        let left = MerkleHasher.leafHash(Array("left".utf8))
        let right = MerkleHasher.leafHash(Array("right".utf8))
        #expect(MerkleHasher.leafHash(left.bytes + right.bytes) != MerkleHasher.nodeHash(left, right))
    }

    @Test func anyByteContainerGivesTheSameLeafHash() {
        let bytes = Array("the same entry".utf8)
        let expected = MerkleHasher.leafHash(bytes)
        #expect(MerkleHasher.leafHash(Data(bytes)) == expected)
        #expect(MerkleHasher.leafHash(([0xFF] + bytes).dropFirst()) == expected)
    }

    @Test func prefixesAreTheRFCs() {
        #expect(MerkleHasher.leafPrefix == 0x00)
        #expect(MerkleHasher.nodePrefix == 0x01)
    }
}
