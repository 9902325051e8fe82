import Crypto
import ShareAudit
import ShareBroker
import ShareStore
import ShareStoreConformance
import ShareStoreSQLite
import Testing

@Suite("Audit log catch-up")
struct AuditLogCatchUpTests {
    // Protects against re-entrant catch-ups (the periodic signer and audit requests at once)
    // reporting a gap or appending an entry twice.
    @Test("concurrent catch-ups while entries are being written build exactly the stored tree")
    func concurrentCatchUps() async throws {
        try await withStore { store, _ in
            let log = AuditLog(store: store, signingKey: try BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation))
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
            let reference = MerkleTree(leafHashes: entries.map { MerkleHasher.leafHash($0.entry) })
            let proof = try await log.consistencyProof(from: 1, to: entries.count)
            #expect(try reference.consistencyProof(from: 1, to: entries.count) == proof)
        }
    }
}
