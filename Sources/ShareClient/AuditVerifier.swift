import Foundation
import ShareAudit
import ShareJWS

/// What an auditor remembers between checks: the last verified tree head and the key that
/// signed it, like a Certificate Transparency monitor.
public struct AuditCheckpoint: Sendable, Codable, Equatable {
    public let treeSize: Int
    public let rootHash: String
    public let timestamp: String
    public let auditKeyID: String
    /// The leaf hashes (base64) of every entry, kept after a full check so that a later
    /// check can name the first entry that changed.
    public var leafHashes: [String]?
}

/// Checks the broker's audit log with nothing but its published audit key and RFC 9162
/// proofs: the tree head's signature, that it extends the last verified head, and (in full)
/// that the entries really hash to its root.
public struct AuditVerifier: Sendable {
    public let client: ShareClient

    public init(client: ShareClient) {
        self.client = client
    }

    /// A failed check, naming what failed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The latest signed tree head, verified against the audit key in the directory
    /// (which must be `pinnedKeyID` if one is given).
    public func verifiedTreeHead(pinnedKeyID: String?) async throws -> AuditCheckpoint {
        let directory = try await client.directory()
        guard let key = directory.broker.auditKeys.first else {
            throw Failure(description: "The broker publishes no audit key in /v1/directory.")
        }
        let jwk = JWK(kty: key.kty, crv: key.crv, x: key.x, y: key.y)
        if let pinnedKeyID, pinnedKeyID != jwk.thumbprint {
            throw Failure(description: "The broker's audit key changed from \(pinnedKeyID) to \(jwk.thumbprint); confirm the change with the operators before trusting it.")
        }
        let answer: SignedTreeHeadAnswer = try await client.get("/v1/audit/tree-head")
        let head = answer.treeHead
        return try Self.checkpoint(head: head, signed: answer.signed, key: jwk)
    }

    /// A tree head checked against its signature by `key`.
    static func checkpoint(head: TreeHead, signed: String, key: JWK) throws -> AuditCheckpoint {
        let jws = try CompactJWS(compact: Data(signed.utf8))
        guard (try? jws.requireES256()) == key.thumbprint else {
            throw Failure(description: "The tree head is not signed with the broker's audit key.")
        }
        do {
            try ES256.verify(jws, with: try key.publicKey())
        } catch {
            throw Failure(description: "The tree head's signature does not verify with the audit key.")
        }
        guard (try? JSONDecoder().decode(TreeHead.self, from: jws.payload)) == head else {
            throw Failure(description: "The signed tree head differs from the unsigned copy sent with it.")
        }
        return AuditCheckpoint(treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp,
                               auditKeyID: key.thumbprint, leafHashes: nil)
    }

    /// Proves that `current` extends `previous` (or equals it). Throws `Failure` on a
    /// shrunk log, a changed history or a bad proof.
    public func verifyConsistency(from previous: AuditCheckpoint, to current: AuditCheckpoint) async throws {
        guard current.treeSize >= previous.treeSize else {
            throw Failure(description: "The log shrank from \(previous.treeSize) to \(current.treeSize) entries: entries were removed.")
        }
        guard let first = Hash(base64: previous.rootHash), let second = Hash(base64: current.rootHash) else {
            throw Failure(description: "A tree head's root hash is not base64 of 32 bytes.")
        }
        let path: [Hash]
        if current.treeSize == previous.treeSize {
            path = []
        } else {
            let proof: ConsistencyProofAnswer = try await client.get(
                "/v1/audit/proof/consistency?from=\(previous.treeSize)&to=\(current.treeSize)")
            path = proof.path.compactMap { Hash(base64: $0) }
        }
        do {
            try ProofVerifier.verifyConsistency(first: previous.treeSize, second: current.treeSize,
                                                firstHash: first, secondHash: second, path: path)
        } catch {
            throw Failure(description: "The log of \(current.treeSize) entries is not an extension of the one verified before (\(previous.treeSize) entries, \(previous.timestamp)): history was changed. \(error.reason)")
        }
    }

    /// Downloads the first `treeSize` entries (index and base64 bytes) in order.
    /// `progress` is told after each page how many entries have been read, and of how many.
    public func downloadEntries(treeSize: Int, progress: (_ read: Int, _ total: Int) -> Void = { _, _ in }) async throws
        -> [(index: Int, leaf: String)] {
        var entries: [(index: Int, leaf: String)] = []
        while entries.count < treeSize {
            let page: AuditEntriesAnswer = try await client.get(
                "/v1/audit/entries?fromIndex=\(entries.count)&limit=\(min(1000, treeSize - entries.count))")
            guard !page.entries.isEmpty else {
                throw Failure(description: "The broker returned no entries from index \(entries.count), but the tree head has \(treeSize).")
            }
            entries += page.entries.prefix(treeSize - entries.count).map { ($0.index, $0.leaf) }
            progress(entries.count, treeSize)
        }
        return entries
    }

    /// Checks a full copy of the entries against `head` and against `previous`, naming the
    /// first bad index when it can. Returns `head` with the copy's leaf hashes to keep.
    public static func verifyEntries(_ entries: [(index: Int, leaf: String)], head: AuditCheckpoint,
                                     previous: AuditCheckpoint?) throws -> AuditCheckpoint {
        let check = try AuditLeafCheck(entries: entries)
        try check.verify(against: head, previous: previous)
        var kept = head
        kept.leafHashes = check.leaves.map(\.base64)
        return kept
    }

    /// After a failed consistency check: downloads the entries and names the first bad index
    /// if the previous check kept a copy.
    public func locateDamage(previous: AuditCheckpoint, current: AuditCheckpoint) async -> String? {
        guard previous.leafHashes != nil,
              let entries = try? await downloadEntries(treeSize: current.treeSize),
              let check = try? AuditLeafCheck(entries: entries) else { return nil }
        return check.locate(previous)
    }
}

struct SignedTreeHeadAnswer: Codable {
    let treeHead: TreeHead
    let signed: String
}

struct ConsistencyProofAnswer: Decodable {
    let path: [String]
}

struct AuditEntriesAnswer: Decodable {
    struct Entry: Decodable {
        let index: Int
        let leaf: String
    }

    let entries: [Entry]
}
