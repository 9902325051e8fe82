public import Foundation

/// An append-only Merkle tree over leaf hashes, held in memory, that answers RFC 9162
/// (Certificate Transparency v2) queries for the current size and for every earlier size:
/// the tree hash `MTH` (section 2.1.1), inclusion proofs `PATH` (2.1.3.1) and consistency
/// proofs `PROOF` (2.1.4.1).
///
/// ## Feeding it
/// Append each log entry in log order, either as the entry bytes (`append(entry:)`, which hashes
/// with `MerkleHasher.leafHash`) or as an already computed leaf hash (`append(leafHash:)`). Leaf
/// `i` is the `i`-th append, counting from 0. To rebuild after a restart, pass the stored leaf
/// hashes in log order to `init(leafHashes:)`; the tree is a pure function of that sequence.
///
/// ## Cost
/// The tree keeps every complete (perfect, aligned) subtree hash: level `k` holds the roots of
/// the subtrees over leaves `[i * 2^k, (i + 1) * 2^k)` that are complete. That is fewer than
/// `2 n` hashes (64 bytes per leaf) for `n` leaves.
/// - `append`: amortised O(1) (on average one node hash per append; O(log n) for the append
///   that completes a subtree of `2^k` leaves). Rebuilding `n` leaves is O(n).
/// - `rootHash(size:)`, `inclusionProof`, `consistencyProof`: O(log n) time for any size up to
///   `count`: O(log n) reads of cached subtrees plus fewer than `log2(n)` node hashes (only the
///   one incomplete subtree a query touches is hashed afresh). Nothing is cached between queries.
///
/// A value type: copies are independent and cheap until one of them appends (copy on write).
/// It is `Sendable` but not synchronised; share it through an actor or a lock if many tasks append.
public struct MerkleTree: Sendable {
    /// `levels[k][i]` is the root of the complete subtree over leaves `[i << k, (i + 1) << k)`;
    /// `levels[0]` holds the leaf hashes.
    private var levels: [[Hash]] = [[]]

    /// An empty tree (its root is `MerkleHasher.emptyRoot`).
    public init() {}

    /// The tree holding `leafHashes` as leaves 0, 1, 2, ... in sequence order. O(n).
    public init(leafHashes: some Sequence<Hash>) {
        levels[0].reserveCapacity(leafHashes.underestimatedCount)
        for leafHash in leafHashes {
            append(leafHash: leafHash)
        }
    }

    /// The number of leaves.
    public var count: Int { levels[0].count }

    /// The root of the whole tree, `MTH(D[0:count])`; `MerkleHasher.emptyRoot` when empty.
    public var rootHash: Hash { count == 0 ? MerkleHasher.emptyRoot : subtreeHash(0, count) }

    /// Appends the leaf with hash `leafHash` and returns its index (the count before the append).
    /// Amortised O(1).
    @discardableResult
    public mutating func append(leafHash: Hash) -> Int {
        let index = levels[0].count
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let width = levels[level].count
            let parent = MerkleHasher.nodeHash(levels[level][width - 2], levels[level][width - 1])
            if level + 1 == levels.count {
                levels.append([])
            }
            levels[level + 1].append(parent)
            level += 1
        }
        return index
    }

    /// Appends a log entry, hashed as `MerkleHasher.leafHash(entry)`, and returns its index.
    @discardableResult
    public mutating func append(entry: some DataProtocol) -> Int {
        append(leafHash: MerkleHasher.leafHash(entry))
    }

    /// The hash of leaf `index`. Throws `.indexOutOfRange` unless `0 <= index < count`.
    public func leafHash(at index: Int) throws(MerkleError) -> Hash {
        guard index >= 0, index < count else {
            throw MerkleError(.indexOutOfRange, "Leaf index \(index) is outside the tree's \(count) leaves.")
        }
        return levels[0][index]
    }

    /// `MTH(D[0:size])`: the root the tree had when it held `size` leaves; the empty root for 0.
    /// Throws `.sizeOutOfRange` unless `0 <= size <= count`. O(log size).
    public func rootHash(size: Int) throws(MerkleError) -> Hash {
        guard size >= 0, size <= count else {
            throw MerkleError(.sizeOutOfRange, "Tree size \(size) is not between 0 and the tree's \(count) leaves.")
        }
        return size == 0 ? MerkleHasher.emptyRoot : subtreeHash(0, size)
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
        appendPath(leaf: index, start: 0, end: size, to: &proof)
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
            appendSubproof(oldSize: first, start: 0, end: second, startsAtOldRoot: true, to: &proof)
        }
        return proof
    }

    // MARK: - The RFC's recursions over cached subtrees

    /// `MTH(D[start:end])`, for `0 <= start < end <= count` where `start` is a multiple of the
    /// largest power of two not above `end - start`, as holds for every subtree the RFC's
    /// recursions visit. The range splits into complete subtrees, one per set bit of its size,
    /// largest first; the tree hash folds them from the right. O(log(end - start)).
    private func subtreeHash(_ start: Int, _ end: Int) -> Hash {
        var remaining = end - start
        var pieceEnd = end
        var level = 0
        var folded: Hash?
        while remaining > 0 {
            if remaining & 1 == 1 {
                let pieceStart = pieceEnd - (1 << level)
                assert(pieceStart % (1 << level) == 0, "subtree [\(start), \(end)) is not aligned")
                let piece = levels[level][pieceStart >> level]
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
    private func appendPath(leaf: Int, start: Int, end: Int, to proof: inout [Hash]) {
        guard end - start > 1 else { return }
        let split = start + MerkleTree.largestPowerOfTwo(below: end - start)
        if leaf < split {
            appendPath(leaf: leaf, start: start, end: split, to: &proof)
            proof.append(subtreeHash(split, end))
        } else {
            appendPath(leaf: leaf, start: split, end: end, to: &proof)
            proof.append(subtreeHash(start, split))
        }
    }

    /// Appends `SUBPROOF(oldSize - start, D[start:end], startsAtOldRoot)` to `proof`;
    /// requires `start < oldSize <= end`.
    private func appendSubproof(oldSize: Int, start: Int, end: Int, startsAtOldRoot: Bool, to proof: inout [Hash]) {
        if oldSize == end {
            if !startsAtOldRoot {
                proof.append(subtreeHash(start, end))
            }
            return
        }
        let split = start + MerkleTree.largestPowerOfTwo(below: end - start)
        if oldSize <= split {
            appendSubproof(oldSize: oldSize, start: start, end: split, startsAtOldRoot: startsAtOldRoot, to: &proof)
            proof.append(subtreeHash(split, end))
        } else {
            appendSubproof(oldSize: oldSize, start: split, end: end, startsAtOldRoot: false, to: &proof)
            proof.append(subtreeHash(start, split))
        }
    }

    /// The largest power of two strictly less than `n`, for `n >= 2` (the RFC's `k`).
    private static func largestPowerOfTwo(below n: Int) -> Int {
        1 << (Int.bitWidth - 1 - (n - 1).leadingZeroBitCount)
    }
}
