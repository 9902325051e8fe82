import Foundation
import ShareAudit
import ShareJWS
import ShareStore
import ShareModel

/// What the last check of the stored log against the tree heads the broker signed found.
public enum LogIntegrity: Sendable, Equatable {
    /// Not checked yet.
    case unchecked
    /// The stored tree agrees with the latest kept tree head, whose signature verifies; the
    /// re-hashing of every entry against the stored tree and the kept heads is under way.
    case provisional(treeSize: Int)
    /// The stored log agrees with every kept tree head (`treeHeads` of them), and its latest
    /// head's signature verifies.
    case consistent(treeSize: Int, treeHeads: Int)
    /// The stored log disagrees with a tree head the broker signed: it was changed behind the
    /// broker's back. The broker refuses publishes and audit answers until it is restored.
    case inconsistent(LogDisagreement)
}

/// Where the stored log first disagrees with what the broker signed.
public struct LogDisagreement: Sendable, Equatable, CustomStringConvertible {
    /// The lowest index that may have been changed: every entry below it is covered by a
    /// signed tree head that still matches.
    public let firstSuspectIndex: Int
    /// The size of the signed tree head the log disagrees with.
    public let signedTreeSize: Int
    /// What disagrees, in a sentence for an operator (no entry content).
    public let reason: String

    public var description: String {
        "from index \(firstSuspectIndex): \(reason)"
    }
}

/// The rule that compares a log, rebuilt from the store's entries, with the tree heads the
/// broker kept: pure, no I/O.
///
/// Each kept head's root must equal the rebuilt tree's root at its size; the first that does
/// not locates the change (between the last matching head and it). A head's signature is
/// verified where it decides the answer: the first mismatching head (so that a forged head row
/// is told apart from a changed entry) and the latest head (whose root covers every entry
/// before it, so a valid signature there and matching roots below prove the log unchanged).
struct TreeHeadCheck {
    let key: VerificationKey
    /// The size below which the log is known to match a signed head.
    private(set) var verifiedSize = 0
    private(set) var checkedHeads = 0
    private var latest: SignedTreeHeadRecord?

    init(key: VerificationKey) {
        self.key = key
    }

    /// Checks the next kept head (heads come smallest first) against `root`, the rebuilt
    /// tree's root at the head's size, or nil when the log holds only `logSize` entries, fewer
    /// than the head. A disagreement, or nil.
    mutating func check(_ head: SignedTreeHeadRecord, root: Hash?, logSize: Int) -> LogDisagreement? {
        latest = head
        guard let root else {
            return disagreement(head, "the broker signed a tree of \(head.treeSize) entries but the store holds \(logSize): entries were removed.")
        }
        guard root.base64 == head.rootHash else {
            if let forged = signatureProblem(head) { return forged }
            return disagreement(head, "the entries from index \(verifiedSize) to \(head.treeSize - 1) no longer hash to the root the broker signed: at least one was changed.")
        }
        verifiedSize = head.treeSize
        checkedHeads += 1
        return nil
    }

    /// The size of the latest head checked, 0 before the first.
    var latestTreeSize: Int { latest?.treeSize ?? 0 }

    /// After the last head: the latest head's signature, which the roots below depend on.
    func finish() -> LogDisagreement? {
        latest.flatMap(signatureProblem)
    }

    private func signatureProblem(_ head: SignedTreeHeadRecord) -> LogDisagreement? {
        guard let jws = try? CompactJWS(compact: Data(head.signed.utf8)), (try? ES256.verify(jws, with: key.key)) != nil,
              let signed = try? JSONDecoder().decode(TreeHead.self, from: jws.payload),
              signed.treeSize == head.treeSize, signed.rootHash == head.rootHash, signed.timestamp == head.timestamp else {
            return disagreement(head, "the tree head kept for size \(head.treeSize) was not signed by this broker's audit key as it stands: the tree head record was changed.")
        }
        return nil
    }

    private func disagreement(_ head: SignedTreeHeadRecord, _ reason: String) -> LogDisagreement {
        LogDisagreement(firstSuspectIndex: verifiedSize, signedTreeSize: head.treeSize, reason: reason)
    }
}
