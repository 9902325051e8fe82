import Foundation
import ShareClient
import ShareServer
import ShareTesting
import Testing

/// Each change and the log entry recording it are written together or not at all. A trigger
/// added to the live store makes writing one kind of entry fail, after the change itself was
/// written in the same transaction; afterwards neither exists.
@Suite("Changes and their log entries are atomic")
struct AtomicEventTests {
    /// Makes every later insert of an entry of `kind` fail, as a disk error would.
    func failEntries(of kind: String, in broker: TestBroker) async throws {
        let result = try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path, """
            CREATE TRIGGER inject_failure BEFORE INSERT ON events WHEN NEW.kind = '\(kind)'
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
            """)
        try #require(result.status == 0, "\(result.stderr)")
    }

    @Test("a publish whose routing entry fails leaves no message, no delivery and no entry")
    func publish() async throws {
        try await withBroker { broker in
            try await failEntries(of: "routed", in: broker)
            let before = try await broker.eventKinds()
            let envelope = EnvelopeBuilder()
            let answer = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            #expect(answer.status == 500)
            #expect(try await broker.eventKinds() == before)
            #expect(try await broker.client(as: "northshire-hospitals").send("GET", "/v1/messages/\(envelope.id)/status").status == 404)
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)
        }
    }

    @Test("an acknowledgement whose entry fails leaves the delivery unacknowledged")
    func acknowledgement() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder()
            _ = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            let delivery = try #require(try await broker.client(as: "northshire-csc").inbox().first)
            try await failEntries(of: "acknowledged", in: broker)
            let answer = try await broker.client(as: "northshire-csc")
                .send("POST", "/v1/deliveries/\(delivery.id.uuidString.lowercased())/ack")
            #expect(answer.status == 500)
            #expect(!(try await broker.eventKinds()).contains("acknowledged"))
            let status = try await broker.client(as: "northshire-hospitals").status(message: UUID(uuidString: envelope.id)!)
            #expect(status.recipients.first?.state == "delivered")
        }
    }

    @Test("a fetch whose delivery entry fails hands nothing out and counts no attempt")
    func fetch() async throws {
        try await withBroker { broker in
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            try await failEntries(of: "delivered", in: broker)
            #expect(try await broker.client(as: "northshire-csc").send("GET", "/v1/inbox").status == 500)
            let result = try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path, "SELECT attempts FROM deliveries")
            #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        }
    }

    @Test("a suspension whose entry fails is not applied")
    func suspension() async throws {
        try await withBroker { broker in
            try await failEntries(of: "agency-suspended", in: broker)
            try broker.setStatus(of: "oakfield-primary", to: "suspended")
            await #expect(throws: (any Error).self) { try await broker.server.reload() }
            #expect(try await broker.client(as: "oakfield-primary").send("GET", "/v1/directory").status == 200,
                    "the suspension was not applied without its record")
            #expect(!(try await broker.eventKinds()).contains("agency-suspended"))
        }
    }
}
