public import Foundation
public import ShareAudit
import Crypto
import ShareJWS
import ShareModel
public import ShareStore

/// The event record as an RFC 9162 Merkle tree: tree heads signed with the broker's audit
/// key, inclusion and consistency proofs, and the exact entry bytes behind each leaf.
///
/// The tree is rebuilt from the store's entries at start and catches up with new entries
/// before every answer. Entries are appended only by the store, in index order, so catching
/// up is reading the entries from the tree's size onwards.
public actor AuditLog {
    private let store: any Store
    private let signingKey: BrokerSigningKey?
    private var tree = MerkleTree()
    private var lastSignedSize = -1

    public init(store: any Store, signingKey: BrokerSigningKey?) {
        self.store = store
        self.signingKey = signingKey
    }

    /// Brings the tree up to the end of the stored record; returns its size.
    @discardableResult
    public func catchUp() async throws -> Int {
        while true {
            let batch = try await store.entryBytes(from: tree.count, limit: 10_000)
            for event in batch {
                // The actor is re-entered while this call awaits the store: another call may
                // already have appended these entries.
                if event.index < tree.count { continue }
                guard event.index == tree.count else {
                    throw BrokerError(.auditUnavailable, "The event record has a gap at index \(tree.count); it cannot be turned into a verifiable log.")
                }
                _ = tree.append(entry: event.entry)
            }
            if batch.count < 10_000 { return tree.count }
        }
    }

    /// The current tree head and its ES256 JWS by the audit key.
    public func signedTreeHead(at time: Date) async throws -> (head: TreeHead, signed: String) {
        guard let signingKey else {
            throw BrokerError(.auditUnavailable, "This broker has no audit signing key configured ('audit.signingKey'); it cannot sign tree heads.")
        }
        try await catchUp()
        let head = TreeHead(treeSize: tree.count, rootHash: tree.rootHash, timestamp: Timestamp.format(time))
        let payload = try Self.canonical(head)
        return (head, try signingKey.sign(payload))
    }

    /// Signs and keeps a tree head if the log is not empty and grew since the last one this
    /// broker signed.
    public func signIfGrown(at time: Date) async throws -> TreeHead? {
        guard signingKey != nil else { return nil }
        let size = try await catchUp()
        guard size > 0, size != lastSignedSize else { return nil }
        return try await signAndKeep(at: time).head
    }

    /// Signs the current tree head and keeps it in the store.
    public func signAndKeep(at time: Date) async throws -> (head: TreeHead, signed: String) {
        let signed = try await signedTreeHead(at: time)
        try await store.saveTreeHead(SignedTreeHeadRecord(
            treeSize: signed.head.treeSize, rootHash: signed.head.rootHash, timestamp: signed.head.timestamp,
            signed: signed.signed))
        lastSignedSize = signed.head.treeSize
        return signed
    }

    /// RFC 9162 inclusion proof of leaf `index` in the tree of `treeSize` leaves.
    public func inclusionProof(index: Int, treeSize: Int) async throws -> (leafHash: Hash, path: [Hash]) {
        try await catchUp()
        do {
            return (try tree.leafHash(at: index), try tree.inclusionProof(index: index, size: treeSize))
        } catch {
            throw BrokerError(.badRequest, "No inclusion proof for index \(index) in a tree of size \(treeSize): \(error.reason) The log now holds \(tree.count) entries.")
        }
    }

    /// RFC 9162 consistency proof between the trees of `first` and `second` leaves.
    public func consistencyProof(from first: Int, to second: Int) async throws -> [Hash] {
        try await catchUp()
        do {
            return try tree.consistencyProof(from: first, to: second)
        } catch {
            throw BrokerError(.badRequest, "No consistency proof from size \(first) to \(second): \(error.reason) The log now holds \(tree.count) entries.")
        }
    }

    private static func canonical(_ head: TreeHead) throws -> Data {
        do {
            return Data(try head.canonicalJSON())
        } catch {
            throw BrokerError(.auditUnavailable, "The tree head could not be encoded: \(error.reason)")
        }
    }
}
