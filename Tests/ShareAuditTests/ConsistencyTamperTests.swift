import ShareAudit
import Testing

/// Every way of altering a consistency proof, or the claim it is checked against, makes the
/// check fail, while the proof as issued passes.
@Suite("Tampered consistency proofs are refused")
struct ConsistencyTamperTests {
    static let secondSizes = [2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 31, 32, 33, 70]
    static let leaves = sampleLeafHashes(2 * 70 + 2)
    static let tree = MerkleTree(leafHashes: leaves)

    private func verifies(_ first: Int, _ second: Int, _ firstRoot: Hash, _ secondRoot: Hash, _ path: [Hash]) -> Bool {
        ProofVerifier.isValidConsistency(first: first, second: second, firstHash: firstRoot, secondHash: secondRoot, path: path)
    }

    @Test(arguments: secondSizes)
    func alteredProofsFail(second: Int) throws {
        let secondRoot = try Self.tree.rootHash(size: second)
        for first in 1..<second {
            let firstRoot = try Self.tree.rootHash(size: first)
            let path = try Self.tree.consistencyProof(from: first, to: second)
            let label = "\(first) to \(second)"
            try #require(!path.isEmpty)
            #expect(verifies(first, second, firstRoot, secondRoot, path), "untampered, \(label)")

            // Any single flipped bit of any element.
            for element in path.indices {
                for bit in 0..<(Hash.byteCount * 8) {
                    var altered = path
                    altered[element] = try flippingBit(bit, of: path[element])
                    #expect(!verifies(first, second, firstRoot, secondRoot, altered), "bit \(bit) of [\(element)], \(label)")
                }
            }
            // Dropping the last or the first element, or everything.
            #expect(!verifies(first, second, firstRoot, secondRoot, Array(path.dropLast())), "dropped last, \(label)")
            #expect(!verifies(first, second, firstRoot, secondRoot, Array(path.dropFirst())), "dropped first, \(label)")
            #expect(!verifies(first, second, firstRoot, secondRoot, []), "empty, \(label)")
            // An extra element at the end or garbage in front.
            for extra in [garbageHash, firstRoot, secondRoot, path[0], path[path.count - 1]] {
                #expect(!verifies(first, second, firstRoot, secondRoot, path + [extra]), "appended \(extra), \(label)")
                #expect(!verifies(first, second, firstRoot, secondRoot, [extra] + path), "prepended \(extra), \(label)")
            }
            // Two elements swapped.
            for a in path.indices {
                for b in path.indices where b > a {
                    try #require(path[a] != path[b])
                    var swapped = path
                    swapped.swapAt(a, b)
                    #expect(!verifies(first, second, firstRoot, secondRoot, swapped), "swapped [\(a)] and [\(b)], \(label)")
                }
            }
            // Wrong sizes, as transparency-dev/merkle probes them.
            for (wrongFirst, wrongSecond) in [
                (first - 1, second), (first + 1, second), (first ^ 2, second), (0, second), (second, first),
                (first, second * 2), (first, second / 2), (first, first),
            ] where (wrongFirst, wrongSecond) != (first, second) {
                #expect(!verifies(wrongFirst, wrongSecond, firstRoot, secondRoot, path), "sizes \(wrongFirst) to \(wrongSecond), \(label)")
            }
            // Wrong roots.
            var wrongFirstRoots = [garbageHash, MerkleHasher.emptyRoot, secondRoot, try flippingBit(7, of: firstRoot), try Self.tree.rootHash(size: first + 1)]
            if first > 1 {
                wrongFirstRoots.append(try Self.tree.rootHash(size: first - 1))
            }
            for wrongRoot in wrongFirstRoots {
                #expect(!verifies(first, second, wrongRoot, secondRoot, path), "first root \(wrongRoot), \(label)")
            }
            for wrongRoot in [garbageHash, MerkleHasher.emptyRoot, firstRoot, try flippingBit(7, of: secondRoot),
                              try Self.tree.rootHash(size: second + 1), try Self.tree.rootHash(size: second - 1)] {
                #expect(!verifies(first, second, firstRoot, wrongRoot, path), "second root \(wrongRoot), \(label)")
            }
            #expect(!verifies(first, second, secondRoot, firstRoot, path), "swapped roots, \(label)")
        }
    }

    // Against the same roots, other sizes pass exactly when the proof has the same shape there
    // (same start, same sides): sizes are only authenticated through the roots. Every other
    // pair of sizes fails.
    @Test(arguments: secondSizes.filter { $0 <= 17 })
    func wrongSizesPassOnlyWithSameShape(second: Int) throws {
        let secondRoot = try Self.tree.rootHash(size: second)
        for first in 1..<second {
            let firstRoot = try Self.tree.rootHash(size: first)
            let path = try Self.tree.consistencyProof(from: first, to: second)
            let shape = ReferenceMerkle.proofShape(first, second)
            for wrongSecond in 1...(2 * second + 2) {
                for wrongFirst in 0...wrongSecond where (wrongFirst, wrongSecond) != (first, second) {
                    let sameShape = wrongFirst >= 1 && wrongFirst < wrongSecond
                        && ReferenceMerkle.proofShape(wrongFirst, wrongSecond) == shape
                    #expect(
                        verifies(wrongFirst, wrongSecond, firstRoot, secondRoot, path) == sameShape,
                        "sizes \(wrongFirst) to \(wrongSecond) (same shape: \(sameShape)), \(first) to \(second)")
                }
            }
        }
    }

    // The documented limit, pinned: the proof from 1 to 5 also passes as "1 to 6" against the
    // same two roots, because both combine the proof identically.
    @Test func sizesAreBoundOnlyByTheRoots() throws {
        let firstRoot = try Self.tree.rootHash(size: 1)
        let secondRoot = try Self.tree.rootHash(size: 5)
        let path = try Self.tree.consistencyProof(from: 1, to: 5)
        #expect(verifies(1, 6, firstRoot, secondRoot, path))
        #expect(!verifies(1, 6, firstRoot, try Self.tree.rootHash(size: 6), path))
    }

    @Test func failuresSayWhy() throws {
        let firstRoot = try Self.tree.rootHash(size: 5)
        let secondRoot = try Self.tree.rootHash(size: 11)
        let path = try Self.tree.consistencyProof(from: 5, to: 11)
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyConsistency(first: 5, second: 11, firstHash: firstRoot, secondHash: secondRoot, path: path + [garbageHash])
        }
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyConsistency(first: 5, second: 11, firstHash: firstRoot, secondHash: secondRoot, path: Array(path.dropLast()))
        }
        expectMerkleError(.invalidProof) {
            try ProofVerifier.verifyConsistency(first: 5, second: 11, firstHash: firstRoot, secondHash: secondRoot, path: [])
        }
        let wrongFirst = #expect(throws: MerkleError.self) {
            try ProofVerifier.verifyConsistency(first: 5, second: 11, firstHash: garbageHash, secondHash: secondRoot, path: path)
        }
        #expect(wrongFirst?.reason.contains("first root") == true)
        let wrongSecond = #expect(throws: MerkleError.self) {
            try ProofVerifier.verifyConsistency(first: 5, second: 11, firstHash: firstRoot, secondHash: garbageHash, path: path)
        }
        #expect(wrongSecond?.reason.contains("second root") == true)
    }
}
