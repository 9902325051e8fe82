import Crypto
import Foundation
import Logging
import ShareAudit
import ShareBroker
import ShareModel
import ShareStore
import ShareStoreConformance
import ShareStorePostgres
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

    // Two processes following one record: the second finds what the first stored and hashes
    // none of it again, which is how a cluster's node learns to leave the following to another.
    @Test("a process catching up after another stored the tree hashes nothing again, and hashes what no one stored")
    func followersSeeWhoHashed() async throws {
        try await withStore { store, _ in
            for _ in 0..<10 { try await publishStored(newMessage(), to: store) }
            let first = try Self.auditLog(store)
            let second = try Self.auditLog(store)
            let stored = try await allEvents(store).count
            let leading = try await first.follow()
            #expect(Self.counts(leading) == [stored, stored, stored])
            #expect(!leading.storedMostlyElsewhere)
            let following = try await second.follow()
            #expect(Self.counts(following) == [stored, stored, 0])
            #expect(following.storedMostlyElsewhere)

            for _ in 0..<5 { try await publishStored(newMessage(), to: store) }
            let added = try await allEvents(store).count - stored
            let alone = try await second.follow()
            #expect(Self.counts(alone) == [stored + added, added, added], "the other stopped following")
            #expect(!alone.storedMostlyElsewhere)
            #expect(Self.counts(try await first.follow()) == [stored + added, added, 0])
            #expect(Self.counts(try await first.follow()) == [stored + added, 0, 0], "nothing new")
        }
    }

    /// A step's size, growth and entries hashed here.
    static func counts(_ step: AuditLog.FollowStep) -> [Int] {
        [step.size, step.grown, step.hashedHere]
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

    // A database of schema 6 kept the tree as one row per subtree; the upgrade packs them into
    // blocks, so the first node on the new version serves the same tree without reading entries.
    @Test("a PostgreSQL tree stored as subtrees (schema 6) is packed into blocks on upgrade, with the same roots and proofs")
    func packsSubtreesOnUpgrade() async throws {
        try await TestPostgres.withDatabase { configuration in
            let key = try BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation)
            let (head, proofs, leaves) = try await TestPostgres.withStore(on: configuration) { store in
                for _ in 0..<35 { try await publishStored(newMessage(), to: store) }
                let log = try Self.auditLog(store, key: key)
                let head = try await log.signAndKeep(at: t0).head
                var proofs: [[Hash]] = []
                for index in 0..<head.treeSize { proofs.append(try await log.inclusionProof(index: index, treeSize: head.treeSize).path) }
                return (head, proofs, try await allEvents(store).map { MerkleHasher.leafHash($0.entry) })
            }
            #expect(head.treeSize == 70)
            let tree = MerkleTree(leafHashes: leaves)
            let rows = (0..<7).flatMap { level in
                (0..<(tree.count >> level)).map { "(\(level), \($0), '\\x\(tree.hash(of: SubtreeID(level: level, index: $0)).hex)')" }
            }
            for statement in ["DROP TABLE subtree_blocks", "DROP FUNCTION subtree_blocks_only_extended", "DROP FUNCTION subtree_blocks_never_deleted",
                              "CREATE TABLE subtrees (level BIGINT NOT NULL, idx BIGINT NOT NULL, hash BYTEA NOT NULL, PRIMARY KEY (level, idx))",
                              "CREATE FUNCTION subtrees_never_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'never'; END $$",
                              "INSERT INTO subtrees (level, idx, hash) VALUES " + rows.joined(separator: ", "),
                              "ALTER TABLE log_head DROP COLUMN schema_version", "UPDATE schema_version SET version = 6"] {
                try await TestPostgres.run(statement, on: configuration)
            }
            try await TestPostgres.withStore(on: configuration) { store in
                #expect(try await store.storedTreeSize() == 70, "the upgrade packed the stored tree")
                let log = try Self.auditLog(store, key: key)
                #expect(try await log.checkLatestHead() == .provisional(treeSize: 70))
                for index in 0..<head.treeSize {
                    #expect(try await log.inclusionProof(index: index, treeSize: head.treeSize).path == proofs[index])
                }
                #expect(try await log.verify() == .consistent(treeSize: 70, treeHeads: 1))
            }
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
