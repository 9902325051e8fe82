import Foundation
import ShareClient
import ShareTesting
import ShareVault
import Testing

/// Message bodies encrypted at rest under the configured payload key, rotated without
/// downtime, and moved to a new key by `sharebroker rewrap`.
@Suite("Payloads at rest")
struct PayloadsAtRestTests {
    /// The bytes of the broker's SQLite file and its write-ahead log.
    static func storeBytes(_ broker: TestBroker) -> Data {
        ["broker.sqlite", "broker.sqlite-wal"].reduce(into: Data()) { bytes, name in
            bytes += FileManager.default.contents(atPath: broker.folder.appendingPathComponent(name).path) ?? Data()
        }
    }

    /// Whether the store holds any 48-character piece of the JWS's payload.
    static func holdsPayload(of jws: String, _ broker: TestBroker) -> Bool {
        let payload = Array(jws.split(separator: ".")[1])
        let stored = storeBytes(broker)
        return stride(from: 0, to: payload.count - 48, by: 48).contains { start in
            stored.range(of: Data(String(payload[start..<(start + 48)]).utf8)) != nil
        }
    }

    /// Publishes a fresh message from the hospitals to children's social care; returns its JWS and id.
    static func publish(_ broker: TestBroker) async throws -> (jws: String, id: UUID) {
        let envelope = EnvelopeBuilder()
        let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: envelope.data)
        let answer = try await broker.client(as: "northshire-hospitals").publish(jws: jws)
        return (jws, answer.id)
    }

    /// What the sender reads back with GET /v1/messages/{id}.
    static func readBack(_ id: UUID, _ broker: TestBroker) async throws -> String? {
        try await broker.client(as: "northshire-hospitals").send("GET", "/v1/messages/\(id)").json?["jws"] as? String
    }

    /// Writes a second payload key and restarts the broker with it as the current key and the
    /// demo's as a previous one; returns the new key's file.
    static func rotateToSecondKey(_ broker: TestBroker) async throws -> URL {
        let newKey = broker.folder.appendingPathComponent("pki/broker-payload-2.key")
        try FileKeyEncryptionKey.generateFileText().write(to: newKey, atomically: true, encoding: .utf8)
        try await broker.stop()
        try broker.editConfiguration { document in
            document["payloadKeys"] = ["current": "pki/broker-payload-2.key", "previous": ["pki/broker-payload-1.key"]]
        }
        try await broker.start()
        return newKey
    }

    @Test("the demo's broker stores every body sealed: its store file holds no piece of the payload, yet the recipient and the sender get the exact JWS")
    func sealedAtRest() async throws {
        try await withBroker { broker in
            let (jws, id) = try await Self.publish(broker)
            #expect(!Self.holdsPayload(of: jws, broker))
            #expect(try await broker.client(as: "northshire-csc").inbox(limit: 10).map(\.jws) == [jws])
            #expect(try await Self.readBack(id, broker) == jws)
            let stream = try await broker.curlStream("/v1/stream", as: "northshire-csc", ["-H", "Last-Event-ID: 0"]) { $0.contains(jws) }
            #expect(stream.contains(jws), "the stream sends the opened JWS")
        }
    }

    @Test("a new key takes over without losing old messages; sharebroker rewrap moves every body to it, after which the old key can go")
    func rotation() async throws {
        try await withBroker { broker in
            let before = try await Self.publish(broker)
            let newKey = try await Self.rotateToSecondKey(broker)
            let after = try await Self.publish(broker)
            #expect(try await Self.readBack(before.id, broker) == before.jws, "sealed under the old key, read with it as a previous key")
            #expect(try await Self.readBack(after.id, broker) == after.jws)

            let rewrap = try await Subprocess.run(
                try #require(Subprocess.productPath("sharebroker")), ["rewrap", "--config", broker.configurationFile.path, "--batch", "1"])
            #expect(rewrap.status == 0, "\(rewrap.stderr)")
            let current = try FileKeyEncryptionKey(file: newKey.path).id
            #expect(rewrap.text.contains("1 bodies read: 1 re-wrapped, 0 under \(current) already"))
            #expect(rewrap.text.contains("2 bodies read: 1 re-wrapped, 1 under \(current) already"))
            #expect(rewrap.text.contains("Done: every stored body is under \(current)"))

            try await broker.stop()
            try broker.editConfiguration { document in
                document["payloadKeys"] = ["current": "pki/broker-payload-2.key"]
            }
            try await broker.start()
            #expect(try await Self.readBack(before.id, broker) == before.jws, "re-wrapped: read without the old key")
            #expect(try await Self.readBack(after.id, broker) == after.jws)
            #expect(!Self.holdsPayload(of: before.jws, broker) && !Self.holdsPayload(of: after.jws, broker))
        }
    }

    @Test("a body whose key the configuration no longer holds is a 503 naming the key by id, and nothing of the payload is logged")
    func missingKey() async throws {
        try await withBroker { broker in
            let message = try await Self.publish(broker)
            let oldID = try FileKeyEncryptionKey(file: broker.pkiFile("broker-payload-1.key")).id
            try FileKeyEncryptionKey.generateFileText().write(
                to: broker.folder.appendingPathComponent("pki/broker-payload-2.key"), atomically: true, encoding: .utf8)
            try await broker.stop()
            try broker.editConfiguration { document in document["payloadKeys"] = ["current": "pki/broker-payload-2.key"] }
            try await broker.start()
            let answer = try await broker.client(as: "northshire-hospitals").send("GET", "/v1/messages/\(message.id)")
            #expect(answer.status == 503)
            #expect(broker.logs.text.contains(oldID))
            #expect(!broker.logs.text.contains(String(message.jws.split(separator: ".")[1].prefix(48))))
        }
    }

    @Test("a payload key file that is not 32 random bytes in base64 stops the start, naming its pointer")
    func badKeyFile() async throws {
        let broker = try TestBroker { document in
            document["payloadKeys"] = ["current": "pki/broker-payload-1.key", "previous": ["policy.json"]]
        }
        defer { try? FileManager.default.removeItem(at: broker.folder) }
        await #expect { try await broker.start() } throws: { error in
            "\(error)".contains("/payloadKeys/previous/0") && "\(error)".contains("openssl rand -base64 32")
        }
    }
}
