public import Foundation
import Crypto

/// The hash functions of RFC 9162 section 2.1.1 with SHA-256 (the same as RFC 6962).
///
/// Leaves and interior nodes get different one-byte prefixes (domain separation), so a leaf can
/// never be passed off as an interior node or the other way round.
public enum MerkleHasher {
    /// The prefix of leaf inputs: `0x00`.
    public static let leafPrefix: UInt8 = 0x00
    /// The prefix of interior node inputs: `0x01`.
    public static let nodePrefix: UInt8 = 0x01

    /// `MTH({d(0)}) = SHA-256(0x00 || d(0))`: the hash of one log entry, which is also the root
    /// of a tree holding only that entry. `entry` is the exact bytes that are logged; any
    /// length, including zero, is allowed.
    public static func leafHash(_ entry: some DataProtocol) -> Hash {
        var sha = SHA256()
        Swift.withUnsafeBytes(of: leafPrefix) { sha.update(bufferPointer: $0) }
        // Hashed from its bytes when they lie together (a `Data`, an array), without
        // `update(data:)`'s unspecialised walk over the regions of a `DataProtocol`.
        if entry.withContiguousStorageIfAvailable({ sha.update(bufferPointer: UnsafeRawBufferPointer($0)) }) == nil {
            sha.update(data: entry)
        }
        return Hash(digest: sha.finalize())
    }

    /// `SHA-256(0x01 || left || right)`: the hash of an interior node whose left subtree has
    /// root `left` and right subtree root `right`. Not commutative.
    public static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        var sha = SHA256()
        Swift.withUnsafeBytes(of: nodePrefix) { sha.update(bufferPointer: $0) }
        left.withUnsafeBytes { sha.update(bufferPointer: $0) }
        right.withUnsafeBytes { sha.update(bufferPointer: $0) }
        return Hash(digest: sha.finalize())
    }

    /// `MTH({}) = SHA-256()`: the root of the empty tree,
    /// `e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`.
    public static let emptyRoot = Hash(digest: SHA256.hash(data: [UInt8]()))
}
