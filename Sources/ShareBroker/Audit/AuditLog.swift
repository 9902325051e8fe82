public import Foundation
public import Logging
public import ShareAudit
import Crypto
import ShareJWS
import ShareModel
public import ShareStore
import ShareLocking

/// The event record as an RFC 9162 Merkle tree: tree heads signed with the broker's audit
/// key, inclusion and consistency proofs, and the exact entry bytes behind each leaf.
///
/// The tree lives in the store as the hashes of its complete subtrees, in blocks of eight
/// (`Store.subtreeBlocks`), which every process sharing the store reads. `catchUp()` extends
/// it from the entries appended since (in chunks that each commit, so a process that dies
/// leaves no gap); this process keeps only the end of the tree (`TreeEdge`: its compact range
/// and unfinished blocks). A proof or an earlier root reads the O(log n) blocks it needs from
/// the store in one call.
///
/// `verify()` re-hashes every stored entry (`EntryRecheck`) and checks the stored tree and
/// every kept tree head against it; once the log disagrees, no tree head is signed over it again.
public actor AuditLog {
    private let store: any Store
    private let signingKey: BrokerSigningKey
    private let logger: Logger
    /// The stored tree's end, as far as this process has caught up.
    private var head = TreeEdge()
    private var lastSignedSize = -1
    private var running: Task<LogIntegrity, any Error>?
    private let state = Locked(LogIntegrity.unchecked)

    /// What the last check found; readable without waiting for the actor.
    public nonisolated var integrity: LogIntegrity {
        state.withLock { $0 }
    }

    public init(store: any Store, signingKey: BrokerSigningKey, logger: Logger) {
        self.store = store
        self.signingKey = signingKey
        self.logger = logger
    }

    /// Brings the stored tree up to the end of the stored record; returns its size. Reads only
    /// the entries no process has added to the stored tree yet (all of them, once, the first
    /// time a broker starts on a store made before the tree was stored: progress is logged
    /// every 2^20 entries).
    @discardableResult
    public func catchUp() async throws -> Int {
        try await follow().size
    }

    /// What one catch-up did: the tree's size after it, how far this process's end of the tree
    /// moved, and how many of those entries this process hashed itself (the rest another
    /// process had stored already).
    public struct FollowStep: Sendable, Equatable {
        public let size: Int
        public let grown: Int
        public let hashedHere: Int

        /// True when another process had stored most of what this process's end of the tree
        /// moved by: that process is following the record too.
        public var storedMostlyElsewhere: Bool { grown > 0 && hashedHere * 2 < grown }
    }

    /// Catches up as `catchUp()` does, saying who did the work (`FollowStep`).
    public func follow() async throws -> FollowStep {
        let start = head.size
        // The actor is re-entered while this awaits the store: another call may have caught up
        // meanwhile, so the range kept is the larger; both stored the same subtrees.
        var range = head
        // Another process sharing the store (or this one, before it restarted) may have stored
        // the tree further: start from its end, so as not to read again the entries it added.
        let storedSize = try await store.storedTreeSize()
        if storedSize > range.size {
            range = try await storedRange(size: storedSize)
            if range.size > head.size { head = range }
        }
        var hashed = 0
        var batch = try await store.entryBytes(from: range.size, limit: Self.batch)
        while !batch.isEmpty {
            var finished: [SubtreeBlock] = []
            for event in batch {
                guard event.index == range.size else {
                    throw BrokerError(.auditUnavailable, "The event record has a gap at index \(range.size); it cannot be turned into a verifiable log.")
                }
                finished += range.append(leafHash: MerkleHasher.leafHash(event.entry))
            }
            try await store.saveSubtreeBlocks(finished + range.openBlocks)
            hashed += batch.count
            if range.size > head.size { head = range }
            // Nothing more: the stored tree, never longer than the record, ends here too.
            guard batch.count == Self.batch else { break }
            if range.size % (1 << 20) == 0 {
                logger.info("Audit log: entries added to the stored Merkle tree", metadata: [ShareLogKey.count: "\(range.size)"])
            }
            batch = try await store.entryBytes(from: range.size, limit: Self.batch)
        }
        return FollowStep(size: head.size, grown: max(0, head.size - start), hashedHere: hashed)
    }

    private static let batch = 16_384

    /// The end of the stored tree of `size` leaves, read from the store.
    private func storedRange(size: Int) async throws -> TreeEdge {
        let stored = try await store.subtreeBlocks(TreeEdge.openBlockIDs(size: size))
        do {
            return try TreeEdge(size: size, blocks: stored)
        } catch {
            throw BrokerError(.auditUnavailable, "The stored Merkle tree lacks the end of a tree of \(size) leaves: \(error.reason)")
        }
    }

    /// Answers `query` over the stored tree of `size` leaves, reading the blocks it needs in
    /// one store call. A query out of range is a 400 naming `what`.
    private func answer<T>(size: Int, _ what: String, _ query: (any SubtreeHashes) throws -> T) async throws -> T {
        let ids: Set<SubtreeBlockID>
        do {
            ids = try SubtreeReads.blocks(count: size) { _ = try query($0) }
        } catch let error as MerkleError {
            throw BrokerError(.badRequest, "No \(what): \(error.reason) The log now holds \(size) entries.")
        }
        let stored = try await store.subtreeBlocks(Array(ids))
        do {
            return try query(StoredSubtrees(count: size, blocks: stored))
        } catch let error as MerkleError {
            throw BrokerError(.auditUnavailable, "The stored Merkle tree cannot answer: \(error.reason)")
        }
    }

    /// The quick check made at start, before anything is served: the stored tree (caught up)
    /// must give the latest kept tree head's root at its size, and that head's signature must
    /// verify. It reads O(log n) blocks; `verify()` then re-hashes every entry.
    @discardableResult
    public func checkLatestHead() async throws -> LogIntegrity {
        // The head first: a head another node signs meanwhile is of entries it stored first,
        // so the catch-up after it reaches the head's size.
        let latestHead = try await store.latestTreeHead()
        let size = try await catchUp()
        var check = TreeHeadCheck(key: try verificationKey())
        var found: LogDisagreement?
        if let latest = latestHead {
            var root: Hash?
            if latest.treeSize <= size {
                root = try await answer(size: size, "root") { try $0.rootHash(size: latest.treeSize) }
            }
            found = check.check(latest, root: root, logSize: size) ?? check.finish()
        }
        return settle(found.map(LogIntegrity.inconsistent) ?? .provisional(treeSize: size))
    }

    /// Re-hashes every stored entry and checks the stored tree and every kept tree head against
    /// it (`EntryRecheck`); `progress` hears how many entries are checked after each chunk. A
    /// call made while a check runs waits for that check. An inconsistency is final for this
    /// process: the log must be restored, and the broker restarted, before it signs or answers
    /// again. Throws only if the store cannot be read.
    @discardableResult
    public func verify(progress: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> LogIntegrity {
        if let running { return try await running.value }
        let recheck = EntryRecheck(store: store, key: try verificationKey(), progress: progress)
        let task = Task { try await recheck.run() }
        running = task
        let result = await task.result
        running = nil
        return settle(try result.get())
    }

    private func verificationKey() throws -> VerificationKey {
        VerificationKey(try signingKey.publicJWK.publicKey())
    }

    /// Keeps `result` unless an inconsistency was found before.
    private func settle(_ result: LogIntegrity) -> LogIntegrity {
        state.withLock { current in
            if case .inconsistent = current { return current }
            current = result
            return result
        }
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
        let head = TreeHead(treeSize: head.size, rootHash: head.rootHash, timestamp: Timestamp.format(time))
        let payload = try Self.canonical(head)
        return (head, try signingKey.sign(payload))
    }

    /// Signs and keeps a tree head if the log has passed a check, is not empty and grew since
    /// the last one this broker signed.
    public func signIfGrown(at time: Date) async throws -> TreeHead? {
        switch integrity {
        case .consistent, .provisional: break
        case .unchecked, .inconsistent: return nil
        }
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
        let size = try await catchUp()
        return try await answer(size: size, "inclusion proof for index \(index) in a tree of size \(treeSize)") { tree in
            (try tree.leafHash(at: index), try tree.inclusionProof(index: index, size: treeSize))
        }
    }

    /// RFC 9162 consistency proof between the trees of `first` and `second` leaves.
    public func consistencyProof(from first: Int, to second: Int) async throws -> [Hash] {
        try refuseIfInconsistent()
        let size = try await catchUp()
        return try await answer(size: size, "consistency proof from size \(first) to \(second)") { tree in
            try tree.consistencyProof(from: first, to: second)
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
