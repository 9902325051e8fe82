import Foundation
import ShareAudit

/// Checks a complete copy of the log's leaves against a signed tree head and against the
/// tree head (and copy) verified before; when history differs, names the first bad index.
struct AuditLeafCheck {
    let leaves: [Hash]

    /// The leaf hashes of entries given as base64 of their bytes, in index order.
    init(entries: [(index: Int, leaf: String)]) throws {
        var leaves: [Hash] = []
        for entry in entries {
            guard entry.index == leaves.count else {
                throw AuditVerifier.Failure(description: "Entry \(leaves.count) is missing: the copy jumps to index \(entry.index).")
            }
            guard let bytes = Data(base64Encoded: entry.leaf) else {
                throw AuditVerifier.Failure(description: "Entry \(entry.index) is not base64.")
            }
            leaves.append(MerkleHasher.leafHash(bytes))
        }
        self.leaves = leaves
    }

    /// Throws naming the first bad index unless the leaves hash to `head`'s root and extend `previous`.
    func verify(against head: AuditCheckpoint, previous: AuditCheckpoint?) throws {
        let tree = MerkleTree(leafHashes: leaves)
        guard tree.count == head.treeSize else {
            throw AuditVerifier.Failure(description: "The copy holds \(tree.count) entries but the tree head says \(head.treeSize).")
        }
        if let previous {
            guard previous.treeSize <= tree.count else {
                throw AuditVerifier.Failure(description: locate(previous) ?? "The log shrank from \(previous.treeSize) to \(tree.count) entries.")
            }
            let earlierRoot = (try? tree.rootHash(size: previous.treeSize))?.base64
            guard earlierRoot == previous.rootHash else {
                throw AuditVerifier.Failure(description: (locate(previous) ?? "The first \(previous.treeSize) entries no longer hash to the root verified before") + ": history was changed.")
            }
        }
        guard tree.rootHash.base64 == head.rootHash else {
            throw AuditVerifier.Failure(description: "The \(head.treeSize) entries hash to \(tree.rootHash.base64), not to the signed root \(head.rootHash): stored entries were changed.")
        }
    }

    /// Where these leaves first differ from the copy kept at the previous check, if one was kept.
    func locate(_ previous: AuditCheckpoint) -> String? {
        guard let mirror = previous.leafHashes else { return nil }
        for (index, kept) in mirror.enumerated() {
            guard index < leaves.count else {
                return "First bad index \(index): entries from \(index) on (of \(mirror.count) verified before) are missing"
            }
            if leaves[index].base64 != kept {
                return "First bad index \(index): entry \(index) differs from the copy verified before"
            }
        }
        return nil
    }
}
