import Foundation
import ShareAudit
import ShareJWS
import ShareStore
import ShareModel

/// The full check of the stored log: every entry read again in chunks, re-hashed, and compared
/// with the stored tree (`Store.subtreeBlocks`) and with every kept tree head (`TreeHeadCheck`).
/// It holds one chunk and the tree's end in memory whatever the log's size, and takes time
/// in proportion to it; `AuditLog.verify()` runs it.
///
/// A changed entry is found at its index: its leaf hash differs from the one stored when it
/// was appended. A changed stored subtree is found at its first leaf; a deleted entry, at the
/// gap or at the end; a changed or forged tree head row, by its signature.
struct EntryRecheck {
    let store: any Store
    let key: VerificationKey
    /// Called after each chunk with the number of entries checked so far.
    let progress: @Sendable (Int) async -> Void

    static let chunk = 16_384

    func run() async throws -> LogIntegrity {
        // Heads signed (by another node) after this check began are left for the next one: the
        // entries read may stop short of them.
        let latestHead = try await store.latestTreeHead()?.treeSize ?? 0
        let storedSize = try await store.storedTreeSize()
        var heads = KeptHeads(store: store, upTo: latestHead)
        var check = TreeHeadCheck(key: key)
        var rebuilt = TreeEdge()
        var gap: Int?
        while true {
            let batch = try await store.entryBytes(from: rebuilt.size, limit: Self.chunk)
            var finished: [SubtreeBlock] = []
            var roots: [(head: SignedTreeHeadRecord, root: Hash)] = []
            for head in try await heads.reached(rebuilt.size) { roots.append((head, rebuilt.rootHash)) }
            for event in batch {
                guard event.index == rebuilt.size else {
                    gap = rebuilt.size
                    break
                }
                finished += rebuilt.append(leafHash: MerkleHasher.leafHash(event.entry))
                for head in try await heads.reached(rebuilt.size) { roots.append((head, rebuilt.rootHash)) }
            }
            let last = gap != nil || batch.count < Self.chunk
            // The last chunk also checks the unfinished blocks (the earlier ones finish later).
            if let changed = try await changedSubtree(finished + (last ? rebuilt.openBlocks : []), storedSize: storedSize) {
                let covering = roots.first { $0.head.treeSize > changed.firstSuspectIndex }?.head ?? heads.next
                return .inconsistent(LogDisagreement(firstSuspectIndex: changed.firstSuspectIndex,
                                                     signedTreeSize: covering?.treeSize ?? check.latestTreeSize, reason: changed.reason))
            }
            for (head, root) in roots {
                if let disagreement = check.check(head, root: root, logSize: rebuilt.size) { return .inconsistent(disagreement) }
            }
            await progress(rebuilt.size)
            if last { break }
        }
        if let head = heads.next, let removed = check.check(head, root: nil, logSize: rebuilt.size) {
            return .inconsistent(removed)
        }
        if let gap {
            return .inconsistent(LogDisagreement(firstSuspectIndex: gap, signedTreeSize: check.latestTreeSize,
                                                 reason: "the store has no entry at index \(gap) but has later ones: entries were deleted."))
        }
        if storedSize > rebuilt.size {
            return .inconsistent(LogDisagreement(firstSuspectIndex: rebuilt.size, signedTreeSize: check.latestTreeSize,
                                                 reason: "the stored tree covers \(storedSize) entries but the store holds \(rebuilt.size): entries were removed."))
        }
        if let forged = check.finish() { return .inconsistent(forged) }
        return .consistent(treeSize: rebuilt.size, treeHeads: check.checkedHeads)
    }

    /// The first subtree whose stored hash differs from the one rebuilt from the entries, among
    /// those the stored tree of `storedSize` leaves holds: a leaf names the changed entry; a
    /// larger subtree, with every leaf matching, a changed tree row.
    private func changedSubtree(_ rebuilt: [SubtreeBlock], storedSize: Int) async throws -> (firstSuspectIndex: Int, reason: String)? {
        let held = rebuilt.filter { $0.id.completeSubtrees(size: storedSize) > 0 }
        guard !held.isEmpty else { return nil }
        let stored = try await store.subtreeBlocks(held.map(\.id))
        var changed: [SubtreeID] = []
        for block in held {
            let hashes = stored[block.id]?.hashes ?? []
            for offset in 0..<block.id.completeSubtrees(size: storedSize)
            where offset >= hashes.count || hashes[offset] != block.hashes[offset] {
                changed.append(SubtreeID(level: block.id.level, index: block.id.firstSubtree.index + offset))
            }
        }
        if let leaf = changed.filter({ $0.level == 0 }).min(by: { $0.index < $1.index }) {
            return (leaf.index, "the entry at index \(leaf.index) no longer hashes to the leaf hash stored when it was appended: the entry was changed.")
        }
        if let node = changed.min(by: { $0.leaves.lowerBound < $1.leaves.lowerBound }) {
            return (node.leaves.lowerBound, "the stored hash of the subtree \(node) differs from its entries' hashes: the stored tree was changed.")
        }
        return nil
    }
}

/// The kept tree heads up to a size, smallest first, read a page at a time.
private struct KeptHeads {
    let store: any Store
    /// The largest size of a head to check.
    let upTo: Int
    private var page: [SignedTreeHeadRecord] = []
    private var fromSize = 0
    private var exhausted = false

    init(store: any Store, upTo: Int) {
        self.store = store
        self.upTo = upTo
    }

    /// The next head not yet reached, if any (after `reached` has read its page).
    var next: SignedTreeHeadRecord? { page.first }

    /// Removes and returns the heads of exactly `size` entries (reading pages as needed); a
    /// head is reached when the rebuilt tree has its size.
    mutating func reached(_ size: Int) async throws -> [SignedTreeHeadRecord] {
        var found: [SignedTreeHeadRecord] = []
        while true {
            if page.isEmpty, !exhausted {
                let read = try await store.treeHeads(fromSize: fromSize, limit: 1000)
                page = read.filter { $0.treeSize <= upTo }
                exhausted = page.count < 1000
                fromSize = (page.last?.treeSize ?? fromSize) + 1
            }
            guard let head = page.first, head.treeSize <= size else { return found }
            page.removeFirst()
            found.append(head)
        }
    }
}
