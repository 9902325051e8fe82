/// Offline checks of RFC 9162 inclusion and consistency proofs, written from the verification
/// algorithms of sections 2.1.3.2 and 2.1.4.2. They need only the proof, the hashes and the
/// sizes; they never touch a `MerkleTree`, so an auditor can run them against a log they do
/// not hold.
///
/// Every check costs O(length of the proof) node hashes, at most about `log2(treeSize)`.
///
/// What a passing check proves, and what it does not: sizes are authenticated only through the
/// roots. A proof shows that the leaf (or the first root) is committed to by the given root; the
/// tree size steers which side each proof hash goes on, and a few other sizes whose proofs have
/// exactly the same shape also pass with the same hashes (for example, the proof for leaf 0 of a
/// 5-leaf tree also passes as "leaf 0 of a 6-leaf tree" against the same root). So always take a
/// tree size and its root together from one signed `TreeHead`, never from separate sources.
public enum ProofVerifier {
    // MARK: - Inclusion (RFC 9162 section 2.1.3.2)

    /// Checks that `path` proves leaf `leafIndex`, with hash `leafHash`, is in the tree of
    /// `treeSize` leaves whose root is `rootHash`. Returns normally when it does.
    ///
    /// Throws `.sizeOutOfRange` if `treeSize < 1`, `.indexOutOfRange` unless
    /// `0 <= leafIndex < treeSize`, and `.invalidProof` (with the reason) when the path is too
    /// long, too short, or leads to another root.
    public static func verifyInclusion(
        leafIndex: Int, treeSize: Int, leafHash: Hash, path: [Hash], rootHash: Hash
    ) throws(MerkleError) {
        let computed = try rootFromInclusionProof(leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash, path: path)
        guard computed == rootHash else {
            throw MerkleError(.invalidProof, "The inclusion path for leaf \(leafIndex) of a tree of size \(treeSize) leads to root \(computed.base64), not the expected \(rootHash.base64).")
        }
    }

    /// `verifyInclusion` as a yes-or-no answer: `true` exactly when it would return normally.
    public static func isValidInclusion(
        leafIndex: Int, treeSize: Int, leafHash: Hash, path: [Hash], rootHash: Hash
    ) -> Bool {
        (try? verifyInclusion(leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash, path: path, rootHash: rootHash)) != nil
    }

    /// The root that `path` leads to from leaf `leafIndex` with hash `leafHash` in a tree of
    /// `treeSize` leaves (steps 1 to 4 of RFC 9162 section 2.1.3.2). Compare it with a root from
    /// a signed tree head of the same size; on its own it proves nothing.
    ///
    /// Throws `.sizeOutOfRange`, `.indexOutOfRange`, or `.invalidProof` when the path has the
    /// wrong number of hashes for that index and size.
    public static func rootFromInclusionProof(
        leafIndex: Int, treeSize: Int, leafHash: Hash, path: [Hash]
    ) throws(MerkleError) -> Hash {
        guard treeSize >= 1 else {
            throw MerkleError(.sizeOutOfRange, "An inclusion proof is for a tree of at least one leaf; the size given is \(treeSize).")
        }
        guard leafIndex >= 0, leafIndex < treeSize else {
            throw MerkleError(.indexOutOfRange, "Leaf index \(leafIndex) is not in a tree of size \(treeSize).")
        }
        var fn = leafIndex
        var sn = treeSize - 1
        var r = leafHash
        for p in path {
            guard sn != 0 else {
                throw MerkleError(.invalidProof, "The inclusion path for leaf \(leafIndex) of a tree of size \(treeSize) has \(path.count) hashes, more than the leaf needs.")
            }
            if fn & 1 == 1 || fn == sn {
                r = MerkleHasher.nodeHash(p, r)
                // If LSB(fn) is not set: shift until it is, or fn is 0.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                r = MerkleHasher.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else {
            throw MerkleError(.invalidProof, "The inclusion path for leaf \(leafIndex) of a tree of size \(treeSize) has \(path.count) hashes, fewer than the leaf needs.")
        }
        return r
    }

    // MARK: - Consistency (RFC 9162 section 2.1.4.2)

    /// Checks that `path` proves the tree of `first` leaves with root `firstHash` is a prefix of
    /// the tree of `second` leaves with root `secondHash`, i.e. that the log only appended in
    /// between. Returns normally when it does.
    ///
    /// `first == second` is accepted exactly when `path` is empty and the two roots are equal.
    /// Throws `.sizeOutOfRange` unless `1 <= first <= second` (a proof from the empty tree is not
    /// defined by RFC 9162 and is refused), and `.invalidProof` with the reason otherwise.
    public static func verifyConsistency(
        first: Int, second: Int, firstHash: Hash, secondHash: Hash, path: [Hash]
    ) throws(MerkleError) {
        guard first >= 1 else {
            throw MerkleError(.sizeOutOfRange, "A consistency proof starts from a tree of at least one leaf; the first size given is \(first).")
        }
        guard first <= second else {
            throw MerkleError(.sizeOutOfRange, "A consistency proof goes from a smaller tree to a larger one; \(first) is larger than \(second).")
        }
        if first == second {
            guard path.isEmpty else {
                throw MerkleError(.invalidProof, "Between two trees of the same size \(first) the consistency proof is empty; this one has \(path.count) hashes.")
            }
            guard firstHash == secondHash else {
                throw MerkleError(.invalidProof, "Two trees of the same size \(first) have different roots, \(firstHash.base64) and \(secondHash.base64).")
            }
            return
        }
        // Step 1.
        guard !path.isEmpty else {
            throw MerkleError(.invalidProof, "The consistency proof from size \(first) to \(second) is empty.")
        }
        // Step 2: when `first` is a power of two the old root is a node of the new tree, and the
        // proof leaves it out; start from `firstHash` instead of the proof's first hash.
        var remaining = path[...]
        let seed: Hash
        if first & (first - 1) == 0 {
            seed = firstHash
        } else {
            seed = remaining.removeFirst()
        }
        // Steps 3 to 5.
        var fn = first - 1
        var sn = second - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = seed
        var sr = seed
        // Step 6.
        for c in remaining {
            guard sn != 0 else {
                throw MerkleError(.invalidProof, "The consistency proof from size \(first) to \(second) has \(path.count) hashes, more than it needs.")
            }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleHasher.nodeHash(c, fr)
                sr = MerkleHasher.nodeHash(c, sr)
                // If LSB(fn) is not set: shift until it is, or fn is 0.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                sr = MerkleHasher.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        // Step 7.
        guard sn == 0 else {
            throw MerkleError(.invalidProof, "The consistency proof from size \(first) to \(second) has \(path.count) hashes, fewer than it needs.")
        }
        guard fr == firstHash else {
            throw MerkleError(.invalidProof, "The consistency proof from size \(first) to \(second) leads to first root \(fr.base64), not the expected \(firstHash.base64).")
        }
        guard sr == secondHash else {
            throw MerkleError(.invalidProof, "The consistency proof from size \(first) to \(second) leads to second root \(sr.base64), not the expected \(secondHash.base64).")
        }
    }

    /// `verifyConsistency` as a yes-or-no answer: `true` exactly when it would return normally.
    public static func isValidConsistency(
        first: Int, second: Int, firstHash: Hash, secondHash: Hash, path: [Hash]
    ) -> Bool {
        (try? verifyConsistency(first: first, second: second, firstHash: firstHash, secondHash: secondHash, path: path)) != nil
    }
}
