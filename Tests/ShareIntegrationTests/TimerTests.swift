import Foundation
import ShareCatalogue
import ShareClient
import ShareModel
import ShareTesting
import Testing

/// Nothing is silently dropped: an expired message is reported to its sender, an unanswered
/// enquiry is chased, a delivery nobody acknowledges is dead-lettered. The test clock is moved
/// by hand; the broker's timers run every 50 ms of real time and survive a restart.
@Suite("Expiry, deadlines and dead letters")
struct TimerTests {
    static func fastTimers(_ document: inout [String: Any]) {
        var delivery = document["delivery"] as? [String: Any] ?? [:]
        delivery["timerIntervalSeconds"] = 0.05
        document["delivery"] = delivery
    }

    /// The broker's notices waiting for `agency`, verified against the directory's broker key
    /// and decoded; empty if none arrives within a few seconds.
    static func notices(for agency: String, on broker: TestBroker) async throws -> [[String: Any]] {
        let client = try broker.client(as: agency)
        let verifier = try DeliveryVerifier(directory: try await client.directory())
        // Other deliveries may come first (and are then hidden): fetch until a notice arrives.
        var deliveries: [Delivery] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while deliveries.isEmpty, ContinuousClock.now < deadline {
            deliveries = try await client.inbox(limit: 10, wait: 1).filter { $0.sender == DeliveryVerifier.broker }
        }
        let catalogue = try MessageCatalogue.load(directory: RepositoryPaths.schemas)
        return try deliveries.map { delivery in
            let bytes = try verifier.verify(delivery)
            #expect(catalogue.problems(in: try JSONValue(parsing: bytes)).isEmpty, "a notice matches its schema")
            return try #require(try JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        }
    }

    static func referral(expiringIn seconds: TimeInterval, from now: Date) -> EnvelopeBuilder {
        EnvelopeBuilder(sentAt: now).with("expiresAt", now.addingTimeInterval(seconds).formatted(Date.ISO8601FormatStyle(timeZone: .gmt)))
    }

    // At expiry the unacknowledged copy is dead-lettered and the sender gets a signed delivery-failed/1.
    @Test("an expired message is dead-lettered and its sender told who never acknowledged")
    func expiryNotice() async throws {
        try await withBroker(configure: Self.fastTimers) { broker in
            let referral = Self.referral(expiringIn: 3600, from: broker.clock.now())
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)
            #expect(try await broker.client(as: "northshire-csc").inbox().count == 1, "fetched, never acknowledged")

            broker.clock.advance(by: 7200)
            let notices = try await Self.notices(for: "northshire-hospitals", on: broker)
            try #require(notices.count == 1)
            #expect(notices[0]["type"] as? String == "delivery-failed/1")
            #expect(notices[0]["sender"] as? String == "sharebroker")
            #expect(notices[0]["subject"] as? [String: Any] != nil, "about the expired message's subject")
            let payload = try #require(notices[0]["payload"] as? [String: Any])
            #expect(payload["messageId"] as? String == referral.id)
            #expect(payload["reason"] as? String == "expired")
            let missing = try #require(payload["notAcknowledged"] as? [[String: Any]])
            #expect(missing.map { $0["agency"] as? String } == ["northshire-csc"])
            #expect(missing.first?["state"] as? String == "delivered")

            let status = try await broker.client(as: "northshire-hospitals").status(message: try #require(UUID(uuidString: referral.id)))
            #expect(status.recipients.map(\.state) == ["expired"])
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)
            let expired = try await broker.auditGet("/v1/audit/entries?kind=expired") as AuditEntries
            #expect(expired.entries.map(\.event.agency) == ["northshire-csc"])

            broker.clock.advance(by: 7200)
            try await broker.afterTimerRound()
            #expect(try await Self.notices(for: "northshire-hospitals", on: broker).count == 1, "the same notice, not a second one")
        }
    }

    // The timers work from stored state: an expiry passed while the broker was down is handled at start.
    @Test("an expiry that passes while the broker is stopped is handled when it starts")
    func expiryAcrossRestart() async throws {
        try await withBroker(configure: Self.fastTimers) { broker in
            let referral = Self.referral(expiringIn: 3600, from: broker.clock.now())
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)
            try await broker.stop()
            broker.clock.advance(by: 7200)
            try await broker.start()
            let notices = try await Self.notices(for: "northshire-hospitals", on: broker)
            #expect(notices.map { $0["type"] as? String } == ["delivery-failed/1"])
            let missing = (notices.first?["payload"] as? [String: Any])?["notAcknowledged"] as? [[String: Any]]
            #expect(missing?.first?["state"] as? String == "pending", "never fetched")
        }
    }

    // After maxAttempts hand-outs without an acknowledgement, a delivery is dead-lettered.
    @Test("a delivery handed out the maximum number of times is dead-lettered")
    func deadLetterAfterMaxAttempts() async throws {
        try await withBroker(configure: { document in
            Self.fastTimers(&document)
            var delivery = document["delivery"] as? [String: Any] ?? [:]
            delivery["maxAttempts"] = 2
            delivery["visibilityTimeoutSeconds"] = 30
            document["delivery"] = delivery
        }) { broker in
            let referral = EnvelopeBuilder(sentAt: broker.clock.now())
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)
            let csc = try broker.client(as: "northshire-csc")
            #expect(try await csc.inbox().first?.attempt == 1)
            broker.clock.advance(by: 31)
            #expect(try await csc.inbox().first?.attempt == 2)
            broker.clock.advance(by: 31)
            #expect(try await csc.inbox().isEmpty, "not handed out a third time")
            let hospital = try broker.client(as: "northshire-hospitals")
            let id = try #require(UUID(uuidString: referral.id))
            #expect(try await eventually { try await hospital.status(message: id).recipients.map(\.state) == ["dead-lettered"] })
            let dead = try await broker.auditGet("/v1/audit/entries?kind=dead-lettered") as AuditEntries
            #expect(dead.entries.map(\.event.agency) == ["northshire-csc"])

            // Issue 13: the sender (and the MASH, as the demo policy names it) is told, as for an expiry.
            var noticeIDs: [String] = []
            for agency in ["northshire-hospitals", "northshire-mash"] {
                let notices = try await Self.notices(for: agency, on: broker)
                try #require(notices.count == 1, "\(agency)")
                noticeIDs.append(try #require(notices[0]["id"] as? String))
                #expect(notices[0]["type"] as? String == "delivery-failed/1")
                #expect(notices[0]["to"] as? [String] == ["northshire-hospitals", "northshire-mash"])
                let payload = try #require(notices[0]["payload"] as? [String: Any])
                #expect(payload["messageId"] as? String == referral.id)
                #expect(payload["reason"] as? String == "attempts-exhausted")
                #expect(payload["deadLetteredAt"] is String)
                let missing = try #require(payload["notAcknowledged"] as? [[String: Any]])
                #expect(missing.map { $0["agency"] as? String } == ["northshire-csc"])
                #expect(missing.first?["attempts"] as? Int == 2)
            }
            #expect(Set(noticeIDs).count == 1, "one notice, to both")
            try await broker.afterTimerRound()
            #expect(try await broker.client(as: "northshire-hospitals").inbox(wait: 0).isEmpty, "told once, not on every round")
            broker.clock.advance(by: 100 * 86_400)
            try await broker.afterTimerRound()
            let later = try await broker.client(as: "northshire-hospitals").inbox(limit: 10, wait: 0)
            #expect(later.map { $0.messageId.uuidString.lowercased() } == noticeIDs.prefix(1).map { $0 },
                    "only the same notice, handed out again; the message's expiry does not report the same failure again")
        }
    }

    // A red enquiry unanswered after 4 hours is escalated to the MASH and social care, naming who is late.
    @Test("an overdue enquiry sends response-overdue/1 to the requester and the escalation recipient, once")
    func overdueEnquiry() async throws {
        try await withBroker(configure: Self.fastTimers) { broker in
            let now = broker.clock.now()
            let enquiry = try InformationRequestTests.example("mash-enquiry-1/valid-red-neglect.json", sentAt: now) { $0["respondBy"] = nil }
            let enquiryID = try InformationRequestTests.id(of: enquiry)
            let sent = try await broker.postJWS(try broker.signer(for: "northshire-mash").sign(envelope: enquiry), as: "northshire-mash")
            #expect(sent.status == 201)
            let answer = try InformationRequestTests.example("mash-enquiry-response-1/valid-known-with-findings.json", sentAt: now) { $0["inReplyTo"] = enquiryID }
            #expect(try await broker.postJWS(try broker.signer(for: "northshire-hospitals").sign(envelope: answer), as: "northshire-hospitals").status == 201)

            broker.clock.advance(by: 3 * 3600)
            try await broker.afterTimerRound()
            #expect(try await broker.client(as: "northshire-mash").inbox(wait: 0).allSatisfy { $0.sender != "sharebroker" }, "not yet due")

            broker.clock.advance(by: 2 * 3600)
            for agency in ["northshire-mash", "northshire-csc"] {
                let notices = try await Self.notices(for: agency, on: broker)
                try #require(notices.count == 1, "\(agency)")
                #expect(notices[0]["type"] as? String == "response-overdue/1")
                let payload = try #require(notices[0]["payload"] as? [String: Any])
                #expect(payload["requestId"] as? String == enquiryID)
                #expect(payload["notAnswered"] as? [String] == ["northshire-police", "oakfield-primary"])
                #expect(payload["answered"] as? [String] == ["northshire-hospitals"])
            }
            broker.clock.advance(by: 24 * 3600)
            try await broker.afterTimerRound()
            #expect(try await broker.client(as: "northshire-csc").inbox(wait: 0).filter { $0.sender == "sharebroker" }.count == 1,
                    "escalated once, not on every round")
        }
    }
}
