import Foundation
import ShareClient
import ShareTesting
import Testing

@Suite("Store failures")
struct StoreFailureTests {
    @Test("when the store cannot write, publishes get 503 and store nothing, while reads keep working")
    func fullStoreRefusesWritesAndServesReads() async throws {
        try await withBroker(configure: { document in
            document["store"] = ["path": "broker.sqlite", "maxSizeBytes": 160 * 1024]
        }) { broker in
            let first = EnvelopeBuilder()
            #expect(try await broker.publishRaw(first, as: "northshire-hospitals").status == 201)
            var refused: (EnvelopeBuilder, ShareClient.RawResponse)?
            for _ in 0..<200 {
                let envelope = EnvelopeBuilder().padded(to: 12_000)
                let response = try await broker.publishRaw(envelope, as: "northshire-hospitals")
                if response.status != 201 {
                    refused = (envelope, response)
                    break
                }
            }
            let (envelope, response) = try #require(refused, "the store never filled up")
            #expect(response.status == 503)
            #expect(response.problem?.code == "store-unavailable")
            #expect(response.header("Retry-After") != nil)

            let hospital = try broker.client(as: "northshire-hospitals")
            let status = try await hospital.send("GET", "/v1/messages/\(envelope.id)/status")
            #expect(status.status == 404, "nothing of the refused message was stored")
            #expect(try await hospital.status(message: UUID(uuidString: first.id)!).recipients.count == 1)
            #expect(try await broker.client(as: "northshire-audit").directory().agencies.count == 6)
        }
    }
}
