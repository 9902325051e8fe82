import Crypto
import Foundation
import ShareModel
import ShareStore
import ShareStoreConformance
import ShareVault
import Testing

/// Sealing message bodies at rest: each under a data key of its own, wrapped by the current
/// key-encryption key, bound to its message, and readable after a rotation.
@Suite("Payload keys")
struct PayloadKeysTests {
    let jws = Data("eyJhbGciOiJFUzI1NiJ9.eyJwYXlsb2FkIjoiYSBjaGlsZCB3aXRuZXNzZWQgZG9tZXN0aWMgYWJ1c2UifQ.c2ln".utf8)
    let id = UUID()

    static func fileKey() throws -> FileKeyEncryptionKey {
        try FileKeyEncryptionKey(secret: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    @Test("a sealed body holds none of the JWS, names its key, and opens to the exact bytes for its own message only")
    func sealAndOpen() async throws {
        let key = try Self.fileKey()
        let keys = try PayloadKeys(current: key)
        let body = try await keys.seal(jws, messageID: id)
        #expect(body.range(of: jws.prefix(40)) == nil && body.range(of: jws.suffix(40)) == nil)
        #expect(try PayloadKeys.keyID(of: body) == key.id)
        #expect(try await keys.open(body, messageID: id) == jws)
        await #expect(throws: VaultError.self, "a body moved to another message's row does not open") {
            try await keys.open(body, messageID: UUID())
        }
        var changed = body
        changed[changed.count - 20] ^= 1
        await #expect(throws: VaultError.self, "a changed body does not open") { try await keys.open(changed, messageID: id) }
        #expect(try await keys.seal(jws, messageID: id) != body, "every body has a fresh data key and nonce")
    }

    // A read opens each message once for all the deliveries of it that it answers.
    @Test("deliveries of several messages to several agencies, read together, each carry their own message")
    func deliveriesReadTogether() async throws {
        try await withStore { sqlite, path in
            let store = SealingStore(sqlite, keys: try PayloadKeys(current: try Self.fileKey()))
            let messages = (0..<3).map { index in
                newMessage(recipients: [.csc, .police], jws: Data("eyJhbGciOiJFUzI1NiJ9.\(index).c2ln".utf8))
            }
            _ = try await store.publish(messages)
            let stored = try await sqlite3(path, "SELECT count(*) FROM messages WHERE instr(jws, 'eyJhbGciOiJFUzI1NiJ9') > 0")
            #expect(stored.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "sealed at rest")
            let jws = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0.jws) })
            let streams = try await store.streamCandidates(for: [StreamCursor(agency: .csc, after: 0), StreamCursor(agency: .police, after: 0)],
                                                           limit: 10, now: t0 + 1, maxAttempts: 10)
            #expect(streams.map(\.count) == [3, 3])
            for candidate in streams.joined() {
                #expect(candidate.delivery.jws == jws[candidate.delivery.messageID])
            }
            let fetched = try await store.fetchInbox(for: .police, limit: 10, now: t0 + 1, visibilityTimeout: 30, maxAttempts: 10)
            #expect(fetched.map(\.messageID) == messages.map(\.id))
            #expect(fetched.map(\.jws) == messages.map(\.jws))
        }
    }

    @Test("bodies stored in clear before encryption, and bodies destroyed by retention, pass through")
    func clearAndDestroyed() async throws {
        let keys = try PayloadKeys(current: try Self.fileKey())
        #expect(try await keys.open(jws, messageID: id) == jws)
        #expect(try await keys.open(Data(), messageID: id).isEmpty)
        #expect(try await keys.rewrap(Data(), messageID: id) == nil)
        let sealed = try #require(try await keys.rewrap(jws, messageID: id), "a body in clear is sealed by a re-wrap")
        #expect(try await keys.open(sealed, messageID: id) == jws)
    }

    @Test("after a rotation old bodies still open, a re-wrap moves them to the new key, and without the old key only re-wrapped ones open")
    func rotation() async throws {
        let old = try Self.fileKey()
        let new = try Self.fileKey()
        let before = try await PayloadKeys(current: old).seal(jws, messageID: id)
        let rotated = try PayloadKeys(current: new, previous: [old])
        #expect(rotated.ids == [new.id, old.id])
        #expect(try await rotated.open(before, messageID: id) == jws)
        let moved = try #require(try await rotated.rewrap(before, messageID: id))
        #expect(try PayloadKeys.keyID(of: moved) == new.id)
        #expect(moved.suffix(jws.count + 28) == before.suffix(jws.count + 28), "the ciphertext is kept; only the data key is wrapped again")
        #expect(try await rotated.rewrap(moved, messageID: id) == nil, "already under the current key")
        let newOnly = try PayloadKeys(current: new)
        #expect(try await newOnly.open(moved, messageID: id) == jws)
        await #expect { try await newOnly.open(before, messageID: id) } throws: { error in
            "\(error)".contains(old.id) && "\(error)".contains("/payloadKeys/previous")
        }
    }

    @Test("a key file must hold exactly 32 bytes; its id is derived from the key, not its name")
    func keyFiles() throws {
        #expect(throws: VaultError.self) { try FileKeyEncryptionKey(secret: Data(repeating: 1, count: 16)) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kek-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = FileKeyEncryptionKey.generateFileText()
        try text.write(to: folder.appendingPathComponent("a.key"), atomically: true, encoding: .utf8)
        try text.write(to: folder.appendingPathComponent("b.key"), atomically: true, encoding: .utf8)
        let a = try FileKeyEncryptionKey(file: folder.appendingPathComponent("a.key").path)
        let b = try FileKeyEncryptionKey(file: folder.appendingPathComponent("b.key").path)
        #expect(a.id == b.id && a.id.hasPrefix("kek-"))
        #expect(try Self.fileKey().id != a.id)
        #expect(!a.id.contains(text.prefix(8)), "the id does not show the key")
    }
}
