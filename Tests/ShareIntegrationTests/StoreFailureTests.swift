import Foundation
import ShareClient
import ShareServer
import ShareTesting
import Testing

@Suite("Store failures")
struct StoreFailureTests {
    @Test("when the store cannot write, publishes get 503 and store nothing, while reads keep working")
    func fullStoreRefusesWritesAndServesReads() async throws {
        try await withBroker(configure: Self.smallStore) { broker in
            let first = EnvelopeBuilder()
            #expect(try await broker.publishRaw(first, as: "northshire-hospitals").status == 201)
            let (envelope, response) = try #require(try await Self.publishUntilRefused(broker), "the store never filled up")
            #expect(response.status == 503)
            #expect(response.problem?.code == "store-unavailable")
            #expect(response.header("Retry-After") != nil)

            let hospital = try broker.client(as: "northshire-hospitals")
            let status = try await hospital.send("GET", "/v1/messages/\(envelope.id)/status")
            #expect(status.status == 404, "nothing of the refused message was stored")
            #expect(try await hospital.status(message: UUID(uuidString: first.id)!).recipients.count == 1)
            #expect(try await broker.client(as: "northshire-audit").directory().agencies.count == DemoPartnership.members.count)
        }
    }

    @Test("when the store is full, the log says to free space on the disk that holds the store's folder")
    func fullStoreLogSaysWhatToDo() async throws {
        try await withBroker(configure: Self.smallStore) { broker in
            _ = try #require(try await Self.publishUntilRefused(broker), "the store never filled up")
            let failures = broker.logs.text.split(separator: "\n").filter { $0.contains("Store failure") }
            #expect(failures.contains { $0.contains("free space on the disk that holds \(broker.folder.path)") }, "\(failures)")
        }
    }

    /// A store of at most 160 KiB, which SQLite reports as full ("database or disk is full")
    /// when a write would pass it, as it does when the disk is full.
    static func smallStore(_ document: inout [String: Any]) {
        document["store"] = ["path": "broker.sqlite", "maxSizeBytes": 160 * 1024]
    }

    /// Publishes 12 kB messages until one is refused; that one and its answer.
    static func publishUntilRefused(_ broker: TestBroker) async throws -> (EnvelopeBuilder, ShareClient.RawResponse)? {
        for _ in 0..<200 {
            let envelope = EnvelopeBuilder().padded(to: 12_000)
            let response = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            if response.status != 201 { return (envelope, response) }
        }
        return nil
    }
}
