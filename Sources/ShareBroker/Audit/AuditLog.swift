public import Foundation
public import ShareAudit
import Crypto
import ShareJWS
import ShareModel
public import ShareStore
import Synchronization

/// The event record as an RFC 9162 Merkle tree: tree heads signed with the broker's audit
/// key, inclusion and consistency proofs, and the exact entry bytes behind each leaf.
///
/// The tree is rebuilt from the store's entries at start and catches up with new entries
/// before every answer. Entries are appended only by the store, in index order, so catching
/// up is reading the entries from the tree's size onwards.
///
/// `verify()` rebuilds the tree from the store and checks it against every tree head the
/// broker signed before; once the log disagrees, no tree head is signed over it again.
public actor AuditLog {
    private let store: any Store
    private let signingKey: BrokerSigningKey
    private var tree = MerkleTree()
    private var lastSignedSize = -1
    private let state = Mutex(LogIntegrity.unchecked)

    /// What the last `verify()` found; readable without waiting for the actor.
    public nonisolated var integrity: LogIntegrity {
        state.withLock { $0 }
    }

    public init(store: any Store, signingKey: BrokerSigningKey) {
        self.store = store
        self.signingKey = signingKey
    }

    /// Brings the tree up to the end of the stored record; returns its size.
    @discardableResult
    public func catchUp() async throws -> Int {
        // The actor is re-entered while this awaits the store: another call may have appended
        // entries meanwhile, so each batch is applied to the tree as it is then.
        while try Self.append(await store.entryBytes(from: tree.count, limit: Self.batch), to: &tree) {}
        return tree.count
    }

    private static let batch = 10_000

    /// Appends to `tree` the entries of `batch` from its size onwards; whether more may follow.
    private static func append(_ batch: [(index: Int, entry: Data)], to tree: inout MerkleTree) throws -> Bool {
        for event in batch {
            if event.index < tree.count { continue }
            guard event.index == tree.count else {
                throw BrokerError(.auditUnavailable, "The event record has a gap at index \(tree.count); it cannot be turned into a verifiable log.")
            }
            _ = tree.append(entry: event.entry)
        }
        return batch.count == Self.batch
    }

    /// Rebuilds the tree from every stored entry and checks it against every kept tree head
    /// (see `TreeHeadCheck`) and against the tree this broker has been answering from. An
    /// inconsistency is final for this process: the log must be restored, and the broker
    /// restarted, before it signs or answers again. Throws only if the store cannot be read.
    @discardableResult
    public func verify() async throws -> LogIntegrity {
        var fresh = MerkleTree()
        var gap: Int?
        do {
            while try Self.append(await store.entryBytes(from: fresh.count, limit: Self.batch), to: &fresh) {}
        } catch let error as BrokerError where error.code == .auditUnavailable {
            gap = fresh.count
        }
        var check = TreeHeadCheck(key: VerificationKey(try signingKey.publicJWK.publicKey()), tree: fresh)
        var fromSize = 0
        var found: LogDisagreement?
        pages: while true {
            let heads = try await store.treeHeads(fromSize: fromSize, limit: 1000)
            for head in heads {
                found = check.check(head)
                if found != nil { break pages }
            }
            guard heads.count == 1000, let last = heads.last else { break }
            fromSize = last.treeSize + 1
        }
        let result: LogIntegrity
        if let gap, found == nil {
            found = LogDisagreement(firstSuspectIndex: gap, signedTreeSize: check.latestTreeSize,
                                    reason: "the store has no entry at index \(gap) but has later ones: entries were deleted.")
        }
        if let disagreement = found ?? check.finish() ?? Self.disagreement(of: tree, with: fresh, verifiedSize: check.verifiedSize) {
            result = .inconsistent(disagreement)
        } else {
            if fresh.count > tree.count { tree = fresh }
            result = .consistent(treeSize: fresh.count, treeHeads: check.checkedHeads)
        }
        return state.withLock { current in
            if case .inconsistent = current { return current }
            current = result
            return result
        }
    }

    /// Whether the tree answered from until now and the one rebuilt from the store disagree
    /// where both have entries (the store was changed while the broker ran).
    private static func disagreement(of served: MerkleTree, with stored: MerkleTree, verifiedSize: Int) -> LogDisagreement? {
        let size = min(served.count, stored.count)
        guard size > 0, (try? served.rootHash(size: size)) != (try? stored.rootHash(size: size)) else { return nil }
        return LogDisagreement(firstSuspectIndex: min(verifiedSize, size), signedTreeSize: served.count,
                               reason: "the stored entries below index \(size) differ from those the broker read earlier: the store was changed while it ran.")
    }

    /// Throws `audit-log-inconsistent` once a check has found the log changed.
    nonisolated func refuseIfInconsistent() throws {
        guard case .inconsistent(let disagreement) = integrity else { return }
        throw BrokerError(.auditLogInconsistent, "The audit log disagrees with a tree head this broker signed (\(disagreement)). The broker refuses new records and audit answers until its operators restore the store from a backup.")
    }

    /// The current tree head and its ES256 JWS by the audit key.
    public func signedTreeHead(at time: Date) async throws -> (head: TreeHead, signed: String) {
        try refuseIfInconsistent()
        try await catchUp()
        let head = TreeHead(treeSize: tree.count, rootHash: tree.rootHash, timestamp: Timestamp.format(time))
        let payload = try Self.canonical(head)
        return (head, try signingKey.sign(payload))
    }

    /// Signs and keeps a tree head if the log is not empty and grew since the last one this
    /// broker signed.
    public func signIfGrown(at time: Date) async throws -> TreeHead? {
        guard case .consistent = integrity else { return nil }
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
        try refuseIfInconsistent()
        try await catchUp()
        do {
            return (try tree.leafHash(at: index), try tree.inclusionProof(index: index, size: treeSize))
        } catch {
            throw BrokerError(.badRequest, "No inclusion proof for index \(index) in a tree of size \(treeSize): \(error.reason) The log now holds \(tree.count) entries.")
        }
    }

    /// RFC 9162 consistency proof between the trees of `first` and `second` leaves.
    public func consistencyProof(from first: Int, to second: Int) async throws -> [Hash] {
        try refuseIfInconsistent()
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
