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
/// - `rootHash(size:)`, `inclusionProof`, `consistencyProof` (`SubtreeHashes`): O(log n) time for
///   any size up to `count`: O(log n) reads of cached subtrees plus fewer than `log2(n)` node
///   hashes. Nothing is cached between queries.
///
/// A value type: copies are independent and cheap until one of them appends (copy on write).
/// It is `Sendable` but not synchronised; share it through an actor or a lock if many tasks append.
public struct MerkleTree: SubtreeHashes, Sendable {
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
    public var rootHash: Hash { CompactRange.root(folding: SubtreeID.compactRange(size: count).map(hash(of:))) }

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

    /// `levels[level][index]`: every complete subtree is held.
    public func hash(of subtree: SubtreeID) -> Hash {
        levels[subtree.level][subtree.index]
    }
}
