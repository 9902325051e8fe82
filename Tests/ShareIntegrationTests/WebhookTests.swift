import Foundation
import ShareClient
import ShareServer
import ShareTesting
import Testing

/// Push delivery: the broker POSTs each delivery to the agency's HTTPS endpoint with its own
/// client certificate, checks the endpoint's certificate, takes a 2xx as the acknowledgement,
/// and retries failures with exponential backoff. The endpoint is a local fake.
@Suite("Webhooks")
struct WebhookTests {
    /// A broker whose timers run every 50 ms and whose retries wait 10 s, 20 s, ..., with a
    /// receiver that accepts the broker's client certificate and answers `script`; the broker
    /// trusts the receiver's certificate only if `trusted`. Both are always stopped.
    func withWebhookBroker(answering script: [Int] = [], trusted: Bool = true,
                           _ body: (TestBroker, WebhookReceiver) async throws -> Void) async throws {
        let broker = try TestBroker(configure: { document in
            TimerTests.fastTimers(&document)
            var webhooks = document["webhooks"] as? [String: Any] ?? [:]
            webhooks["retryBaseSeconds"] = 10
            document["webhooks"] = webhooks
        })
        let receiver = try await WebhookReceiver(clientCA: broker.pkiFile("ca.crt"), answering: script)
        if trusted {
            let caFile = broker.folder.appendingPathComponent("receiver-ca.crt")
            try Data(receiver.caPEM.utf8).write(to: caFile)
            try broker.editConfiguration { document in
                var webhooks = document["webhooks"] as? [String: Any] ?? [:]
                webhooks["trustRoots"] = caFile.path
                document["webhooks"] = webhooks
            }
        }
        do {
            try await broker.start()
            try await body(broker, receiver)
        } catch {
            try? await broker.stopAndRemove()
            try? await receiver.stop()
            throw error
        }
        try await broker.stopAndRemove()
        try await receiver.stop()
    }

    /// How many failed pushes the broker has put off for a retry (it logs each).
    func retriesScheduled(_ broker: TestBroker) -> Int {
        broker.logs.text.components(separatedBy: "Webhook delivery failed; it will be retried").count - 1
    }

    func register(_ url: String, for agency: String, on broker: TestBroker) async throws -> ShareClient.RawResponse {
        try await broker.client(as: agency).send("PUT", "/v1/webhook", body: Data(#"{"url": "\#(url)"}"#.utf8), contentType: "application/json")
    }

    // Two failures are retried after growing waits; the third POST succeeds and acknowledges.
    @Test("a failing endpoint is retried with backoff until a 2xx acknowledges the delivery")
    func retriesUntilAccepted() async throws {
        try await withWebhookBroker(answering: [500, 503]) { broker, receiver in
            #expect(try await register(receiver.url, for: "northshire-csc", on: broker).status == 200)
            let referral = EnvelopeBuilder(sentAt: broker.clock.now())
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)

            #expect(try await eventually { retriesScheduled(broker) == 1 }, "the first failure is put off")
            try await broker.afterWebhookRound()
            #expect(receiver.received.count == 1, "no retry before the backoff has passed")
            broker.clock.advance(by: 13)
            #expect(try await eventually { retriesScheduled(broker) == 2 })
            #expect(receiver.received.count == 2)
            broker.clock.advance(by: 25)
            #expect(try await eventually { receiver.received.count == 3 })

            let hospital = try broker.client(as: "northshire-hospitals")
            let id = try #require(UUID(uuidString: referral.id))
            #expect(try await eventually { try await hospital.status(message: id).recipients.first?.state == "acknowledged" })
            #expect(try await hospital.status(message: id).recipients.first?.attempts == 3)
            let last = try #require(receiver.received.last)
            let delivery = try #require(try JSONSerialization.jsonObject(with: last.body) as? [String: Any])
            #expect(delivery["messageId"] as? String == referral.id)
            #expect(delivery["id"] as? String == last.deliveryID)
            #expect((delivery["jws"] as? String)?.split(separator: ".").count == 3)
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)
        }
    }

    @Test("a referral pushed to a webhook is never pushed again once its retention has ended, and is then 410 message-purged")
    func purgedAfterPush() async throws {
        try await withWebhookBroker { broker, receiver in
            try RetentionTests.retainReferrals(in: broker)
            try await broker.server.reload()
            #expect(try await register(receiver.url, for: "northshire-csc", on: broker).status == 200)
            let referral = EnvelopeBuilder(sentAt: broker.clock.now())
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)
            let id = try #require(UUID(uuidString: referral.id))
            let hospital = try broker.client(as: "northshire-hospitals")
            #expect(try await eventually { try await hospital.status(message: id).recipients.first?.state == "acknowledged" })

            broker.clock.advance(by: 11 * 86_400)
            try await broker.afterTimerRound()
            try await broker.afterWebhookRound()
            #expect(receiver.received.count == 1, "pushed once, before its retention ended")
            #expect(try await hospital.status(message: id).purgedAt != nil)
            #expect(try await broker.client(as: "northshire-csc").send("GET", "/v1/messages/\(id)").problem?.code == "message-purged")
        }
    }

    // The broker refuses to hand a delivery to an endpoint whose certificate it cannot verify.
    @Test("an endpoint with an untrusted certificate receives nothing")
    func untrustedEndpoint() async throws {
        try await withWebhookBroker(trusted: false) { broker, receiver in
            #expect(try await register(receiver.url, for: "northshire-csc", on: broker).status == 200)
            let referral = EnvelopeBuilder(sentAt: broker.clock.now())
            _ = try await broker.publishRaw(referral, as: "northshire-hospitals")
            let hospital = try broker.client(as: "northshire-hospitals")
            let id = try #require(UUID(uuidString: referral.id))
            #expect(try await eventually { try await hospital.status(message: id).recipients.first?.attempts == 1 })
            #expect(receiver.received.isEmpty)
            #expect(try await hospital.status(message: id).recipients.first?.state == "delivered", "tried, not acknowledged")
        }
    }

    // A retry that falls due while the broker is stopped happens after it starts.
    @Test("a pending retry survives a restart")
    func retryAcrossRestart() async throws {
        try await withWebhookBroker(answering: [500]) { broker, receiver in
            #expect(try await register(receiver.url, for: "northshire-csc", on: broker).status == 200)
            let referral = EnvelopeBuilder(sentAt: broker.clock.now())
            _ = try await broker.publishRaw(referral, as: "northshire-hospitals")
            #expect(try await eventually { retriesScheduled(broker) == 1 })
            try await broker.stop()
            broker.clock.advance(by: 13)
            try await broker.start()
            #expect(try await eventually { receiver.received.count == 2 })
            let id = try #require(UUID(uuidString: referral.id))
            #expect(try await eventually {
                try await broker.client(as: "northshire-hospitals").status(message: id).recipients.first?.state == "acknowledged"
            })
        }
    }

    // Registration takes only https URLs, shows the caller's own, and removal returns deliveries to the inbox.
    @Test("register, show and remove a webhook")
    func registration() async throws {
        try await withWebhookBroker { broker, _ in
            let plain = try await register("http://csc.example/hook", for: "northshire-csc", on: broker)
            #expect(plain.status == 400)
            #expect(plain.problem?.errors?.first?.pointer == "/url")
            #expect(try await broker.client(as: "northshire-csc").send("GET", "/v1/webhook").status == 404)
            #expect(try await register("https://csc.example/hook", for: "northshire-csc", on: broker).status == 200)
            let shown = try await broker.client(as: "northshire-csc").send("GET", "/v1/webhook")
            #expect(shown.json?["url"] as? String == "https://csc.example/hook")
            #expect(try await broker.client(as: "northshire-csc").send("DELETE", "/v1/webhook").status == 204)
            #expect(try await broker.client(as: "northshire-csc").send("DELETE", "/v1/webhook").status == 404)
            let events = try await broker.auditGet("/v1/audit/entries?agency=northshire-csc") as AuditEntries
            #expect(events.entries.map(\.event.kind) == ["webhook-registered", "webhook-removed"])
        }
    }
}
