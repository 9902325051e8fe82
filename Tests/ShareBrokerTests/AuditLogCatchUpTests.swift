import Crypto
import Foundation
import Logging
import ShareAudit
import ShareBroker
import ShareModel
import ShareStore
import ShareStoreConformance
import ShareStoreSQLite
import ShareTesting
import Testing

@Suite("Audit log catch-up")
struct AuditLogCatchUpTests {
    static let quiet = Logger(label: "audit-log-test") { _ in SwiftLogNoOpLogHandler() }

    static func auditLog(_ store: any Store, key: BrokerSigningKey? = nil) throws -> AuditLog {
        AuditLog(store: store, signingKey: try key ?? BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation), logger: quiet)
    }

    // Protects against re-entrant catch-ups (the periodic signer and audit requests at once)
    // reporting a gap or storing a subtree twice.
    @Test("concurrent catch-ups while entries are being written store exactly the tree of the entries")
    func concurrentCatchUps() async throws {
        try await withStore { store, _ in
            let log = try Self.auditLog(store)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for _ in 0..<100 { try await publishStored(newMessage(), to: store) }
                }
                for _ in 0..<8 {
                    group.addTask {
                        for _ in 0..<50 { _ = try await log.catchUp() }
                    }
                }
                try await group.waitForAll()
            }
            let entries = try await allEvents(store)
            #expect(try await log.catchUp() == entries.count)
            #expect(try await store.storedTreeSize() == entries.count)
            let reference = MerkleTree(leafHashes: entries.map { MerkleHasher.leafHash($0.entry) })
            let proof = try await log.consistencyProof(from: 1, to: entries.count)
            #expect(try reference.consistencyProof(from: 1, to: entries.count) == proof)
            #expect(try await log.verify() == .consistent(treeSize: entries.count, treeHeads: 0))
        }
    }

    // A node started over a stored tree answers from the stored subtrees: with an entry changed
    // underneath, it still gives the proofs the first node gave (it did not rebuild the tree
    // from the entries), its quick start check passes, and its full check finds the entry.
    @Test("a second process serves the stored tree's proofs without rebuilding it; the full check finds a changed entry at its index",
          arguments: ["SQLite", "PostgreSQL"])
    func secondProcessServesStoredTree(kind: String) async throws {
        try await withTamperableStore(kind) { store, tamper in
            for _ in 0..<20 { try await publishStored(newMessage(), to: store) }
            let key = try BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation)
            let first = try Self.auditLog(store, key: key)
            let head = try await first.signAndKeep(at: t0).head
            let size = head.treeSize
            #expect(size == 40)
            var proofs: [[Hash]] = []
            for index in 0..<size { proofs.append(try await first.inclusionProof(index: index, treeSize: size).path) }
            let consistency = try await first.consistencyProof(from: 7, to: size)
            #expect(try await first.verify() == .consistent(treeSize: size, treeHeads: 1))

            try await tamper(17)
            let second = try Self.auditLog(store, key: key)
            #expect(try await second.checkLatestHead() == .provisional(treeSize: size))
            for index in 0..<size {
                let proof = try await second.inclusionProof(index: index, treeSize: size)
                #expect(proof.path == proofs[index])
                #expect(ProofVerifier.isValidInclusion(leafIndex: index, treeSize: size, leafHash: proof.leafHash, path: proof.path,
                                                       rootHash: try #require(Hash(base64: head.rootHash))))
            }
            #expect(try await second.consistencyProof(from: 7, to: size) == consistency)
            guard case .inconsistent(let disagreement) = try await second.verify() else {
                Issue.record("the changed entry was not found")
                return
            }
            #expect(disagreement.firstSuspectIndex == 17)
            #expect(disagreement.signedTreeSize == size)
            #expect(disagreement.reason.contains("index 17"))
        }
    }

    // Entries stored and no subtree yet, as in a store upgraded from before the tree was
    // stored: the first catch-up fills the stored tree from every entry.
    @Test("the first catch-up on a log without a stored tree fills it from every entry")
    func fillsStoredTreeOfOlderLog() async throws {
        try await withStore { store, _ in
            for _ in 0..<30 { try await publishStored(newMessage(), to: store) }
            #expect(try await store.storedTreeSize() == 0)
            let log = try Self.auditLog(store)
            #expect(try await log.catchUp() == 60)
            #expect(try await store.storedTreeSize() == 60)
            let entries = try await allEvents(store)
            let reference = MerkleTree(leafHashes: entries.map { MerkleHasher.leafHash($0.entry) })
            #expect(try await log.signedTreeHead(at: t0).head.rootHash == reference.rootHash.base64)
        }
    }

    /// A fresh store of `kind`, and a way to change the entry at an index behind its back.
    private func withTamperableStore(_ kind: String, _ body: (any Store, _ tamper: (Int) async throws -> Void) async throws -> Void) async throws {
        if kind == "SQLite" {
            try await withStore { store, path in
                try await body(store) { index in
                    let changed = try await sqlite3(path, "DROP TRIGGER IF EXISTS events_no_update; UPDATE events SET entry = CAST('{}' AS BLOB) WHERE idx = \(index);")
                    try #require(changed.status == 0, "\(changed.error)")
                }
            }
        } else {
            try await TestPostgres.withDatabase { configuration in
                try await TestPostgres.withStore(on: configuration) { store in
                    try await body(store) { index in
                        try await TestPostgres.run("ALTER TABLE events DISABLE TRIGGER events_no_change", on: configuration)
                        try await TestPostgres.run("UPDATE events SET entry = '\\x7b7d' WHERE idx = \(index)", on: configuration)
                    }
                }
            }
        }
    }
}
