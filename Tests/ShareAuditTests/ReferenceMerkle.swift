import Crypto
import ShareAudit

/// A deliberately naive Merkle tree written straight from RFC 9162's recursive definitions
/// (section 2.1.1 MTH, 2.1.3.1 PATH, 2.1.4.1 PROOF and SUBPROOF). It recomputes everything from
/// the leaves on every call and hashes with `Crypto` directly, sharing no code with `ShareAudit`
/// beyond the `Hash` value type, so the fast tree and the verifiers can be checked against it.
enum ReferenceMerkle {
    /// SHA-256(0x00 || entry).
    static func leafHash(_ entry: [UInt8]) -> Hash {
        hash([0x00] + entry)
    }

    /// SHA-256(0x01 || left || right).
    static func nodeHash(_ left: Hash, _ right: Hash) -> Hash {
        hash([0x01] + left.bytes + right.bytes)
    }

    /// SHA-256 of the empty string.
    static let emptyRoot = hash([])

    /// The largest power of two smaller than `n`, for n > 1: "k < n <= 2k".
    static func split(_ n: Int) -> Int {
        precondition(n > 1)
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    /// MTH(D[n]) over leaf hashes (the leaf hashing step already applied).
    static func mth(_ leaves: [Hash]) -> Hash {
        let n = leaves.count
        if n == 0 { return emptyRoot }
        if n == 1 { return leaves[0] }
        let k = split(n)
        return nodeHash(mth(Array(leaves[0..<k])), mth(Array(leaves[k..<n])))
    }

    /// PATH(m, D[n]).
    static func path(_ m: Int, _ leaves: [Hash]) -> [Hash] {
        let n = leaves.count
        precondition(0 <= m && m < n)
        if n == 1 { return [] }
        let k = split(n)
        if m < k {
            return path(m, Array(leaves[0..<k])) + [mth(Array(leaves[k..<n]))]
        } else {
            return path(m - k, Array(leaves[k..<n])) + [mth(Array(leaves[0..<k]))]
        }
    }

    /// PROOF(m, D[n]) = SUBPROOF(m, D[n], true), for 0 < m <= n.
    static func proof(_ m: Int, _ leaves: [Hash]) -> [Hash] {
        precondition(0 < m && m <= leaves.count)
        return subproof(m, leaves, true)
    }

    /// SUBPROOF(m, D[n], b).
    static func subproof(_ m: Int, _ leaves: [Hash], _ b: Bool) -> [Hash] {
        let n = leaves.count
        if m == n { return b ? [] : [mth(leaves)] }
        let k = split(n)
        if m <= k {
            return subproof(m, Array(leaves[0..<k]), b) + [mth(Array(leaves[k..<n]))]
        } else {
            return subproof(m - k, Array(leaves[k..<n]), false) + [mth(Array(leaves[0..<k]))]
        }
    }

    /// Where each hash of PATH(m, D[n]) sits: `.right` when it is the right sibling.
    /// Two (index, size) pairs with equal shapes hash a given path identically.
    static func pathShape(_ m: Int, _ n: Int) -> [Side] {
        if n == 1 { return [] }
        let k = split(n)
        return m < k ? pathShape(m, k) + [.right] : pathShape(m - k, n - k) + [.left]
    }

    /// The shape of PROOF(m, D[n]): whether it starts at the old root itself (b still true when
    /// m == n is reached, so the old root is left out of the proof), and the side of each later
    /// hash. Two (m, n) pairs with equal shapes combine a given proof identically.
    static func proofShape(_ m: Int, _ n: Int, _ b: Bool = true) -> ProofShape {
        if m == n { return ProofShape(startsAtOldRoot: b, sides: []) }
        let k = split(n)
        let inner = m <= k ? proofShape(m, k, b) : proofShape(m - k, n - k, false)
        return ProofShape(startsAtOldRoot: inner.startsAtOldRoot, sides: inner.sides + [m <= k ? .right : .left])
    }

    enum Side: Equatable { case left, right }

    struct ProofShape: Equatable {
        var startsAtOldRoot: Bool
        var sides: [Side]
    }

    private static func hash(_ bytes: [UInt8]) -> Hash {
        let digest = SHA256.hash(data: bytes)
        do {
            return try Hash(bytes: Array(digest))
        } catch {
            preconditionFailure("SHA-256 gave \(Array(digest).count) bytes")
        }
    }
}
