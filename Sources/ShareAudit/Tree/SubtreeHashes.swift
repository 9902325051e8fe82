/// A tree of `count` leaves seen through the hashes of its complete subtrees (`SubtreeID`),
/// which is all RFC 9162's queries need: the tree hash `MTH` (section 2.1.1), inclusion proofs
/// `PATH` (2.1.3.1) and consistency proofs `PROOF` (2.1.4.1), for the current size and every
/// earlier one. Each query reads O(log n) subtree hashes and computes fewer than `log2(n)` node
/// hashes; `SubtreeReads` names the subtrees a query reads, so that a store can fetch them at once.
///
/// `MerkleTree` holds every subtree in memory; `StoredSubtrees` holds those one query read.
public protocol SubtreeHashes {
    /// The number of leaves.
    var count: Int { get }

    /// The hash of a complete subtree inside `[0, count)`; throws `.subtreeMissing` if it does not have it.
    func hash(of subtree: SubtreeID) throws(MerkleError) -> Hash
}

extension SubtreeHashes {
    /// The hash of leaf `index`. Throws `.indexOutOfRange` unless `0 <= index < count`.
    public func leafHash(at index: Int) throws(MerkleError) -> Hash {
        guard index >= 0, index < count else {
            throw MerkleError(.indexOutOfRange, "Leaf index \(index) is outside the tree's \(count) leaves.")
        }
        return try hash(of: .leaf(index))
    }

    /// `MTH(D[0:size])`: the root the tree had when it held `size` leaves; the empty root for 0.
    /// Throws `.sizeOutOfRange` unless `0 <= size <= count`. O(log size).
    public func rootHash(size: Int) throws(MerkleError) -> Hash {
        guard size >= 0, size <= count else {
            throw MerkleError(.sizeOutOfRange, "Tree size \(size) is not between 0 and the tree's \(count) leaves.")
        }
        return size == 0 ? MerkleHasher.emptyRoot : try subtreeHash(0, size)
    }

    /// `PATH(index, D[0:size])` (RFC 9162 section 2.1.3.1): the audit path proving that leaf
    /// `index` is in the tree of the first `size` leaves, ordered from the leaf's sibling up to
    /// the child of the root. Empty for a tree of one leaf.
    ///
    /// Throws `.sizeOutOfRange` unless `1 <= size <= count`, then `.indexOutOfRange` unless
    /// `0 <= index < size`. O(log size).
    public func inclusionProof(index: Int, size: Int) throws(MerkleError) -> [Hash] {
        guard size >= 1, size <= count else {
            throw MerkleError(.sizeOutOfRange, "An inclusion proof needs a tree size between 1 and the tree's \(count) leaves; \(size) was asked for.")
        }
        guard index >= 0, index < size else {
            throw MerkleError(.indexOutOfRange, "Leaf index \(index) is not in a tree of size \(size).")
        }
        var proof: [Hash] = []
        proof.reserveCapacity(Int.bitWidth - size.leadingZeroBitCount)
        try appendPath(leaf: index, start: 0, end: size, to: &proof)
        return proof
    }

    /// `PROOF(first, D[0:second])` (RFC 9162 section 2.1.4.1): the hashes proving that the tree of
    /// the first `first` leaves is a prefix of the tree of the first `second` leaves. Empty when
    /// `first == second`.
    ///
    /// Throws `.sizeOutOfRange` unless `1 <= first <= second <= count` (RFC 9162 defines no proof
    /// from the empty tree, which every tree trivially extends). O(log second).
    public func consistencyProof(from first: Int, to second: Int) throws(MerkleError) -> [Hash] {
        guard second <= count else {
            throw MerkleError(.sizeOutOfRange, "Tree size \(second) is larger than the tree's \(count) leaves.")
        }
        guard first >= 1 else {
            throw MerkleError(.sizeOutOfRange, "A consistency proof starts from a tree of at least one leaf; \(first) was asked for.")
        }
        guard first <= second else {
            throw MerkleError(.sizeOutOfRange, "A consistency proof goes from a smaller tree to a larger one; \(first) is larger than \(second).")
        }
        var proof: [Hash] = []
        if first < second {
            proof.reserveCapacity(Int.bitWidth - second.leadingZeroBitCount + 1)
            try appendSubproof(oldSize: first, start: 0, end: second, startsAtOldRoot: true, to: &proof)
        }
        return proof
    }

    // MARK: - The RFC's recursions over complete subtrees

    /// `MTH(D[start:end])`, for `0 <= start < end <= count` where `start` is a multiple of the
    /// largest power of two not above `end - start`, as holds for every subtree the RFC's
    /// recursions visit. The range splits into complete subtrees, one per set bit of its size,
    /// largest first; the tree hash folds them from the right. O(log(end - start)).
    private func subtreeHash(_ start: Int, _ end: Int) throws(MerkleError) -> Hash {
        var remaining = end - start
        var pieceEnd = end
        var level = 0
        var folded: Hash?
        while remaining > 0 {
            if remaining & 1 == 1 {
                let pieceStart = pieceEnd - (1 << level)
                assert(pieceStart % (1 << level) == 0, "subtree [\(start), \(end)) is not aligned")
                let piece = try hash(of: SubtreeID(level: level, index: pieceStart >> level))
                folded = folded.map { MerkleHasher.nodeHash(piece, $0) } ?? piece
                pieceEnd = pieceStart
            }
            remaining >>= 1
            level += 1
        }
        guard let folded else { preconditionFailure("subtreeHash of an empty range") }
        return folded
    }

    /// Appends `PATH(leaf - start, D[start:end])` to `proof`.
    private func appendPath(leaf: Int, start: Int, end: Int, to proof: inout [Hash]) throws(MerkleError) {
        guard end - start > 1 else { return }
        let split = start + largestPowerOfTwo(below: end - start)
        if leaf < split {
            try appendPath(leaf: leaf, start: start, end: split, to: &proof)
            proof.append(try subtreeHash(split, end))
        } else {
            try appendPath(leaf: leaf, start: split, end: end, to: &proof)
            proof.append(try subtreeHash(start, split))
        }
    }

    /// Appends `SUBPROOF(oldSize - start, D[start:end], startsAtOldRoot)` to `proof`;
    /// requires `start < oldSize <= end`.
    private func appendSubproof(oldSize: Int, start: Int, end: Int, startsAtOldRoot: Bool,
                                to proof: inout [Hash]) throws(MerkleError) {
        if oldSize == end {
            if !startsAtOldRoot {
                proof.append(try subtreeHash(start, end))
            }
            return
        }
        let split = start + largestPowerOfTwo(below: end - start)
        if oldSize <= split {
            try appendSubproof(oldSize: oldSize, start: start, end: split, startsAtOldRoot: startsAtOldRoot, to: &proof)
            proof.append(try subtreeHash(split, end))
        } else {
            try appendSubproof(oldSize: oldSize, start: split, end: end, startsAtOldRoot: false, to: &proof)
            proof.append(try subtreeHash(start, split))
        }
    }

    /// The largest power of two strictly less than `n`, for `n >= 2` (the RFC's `k`).
    private func largestPowerOfTwo(below n: Int) -> Int {
        1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }
}
