import Foundation
import ShareClient
import ShareHTTP
import ShareServer
import ShareTesting
import Testing

@Suite("Publish, deliver, acknowledge")
struct PublishDeliverTests {
    @Test("a referral goes from the hospital to social care's inbox, is acknowledged, and the sender sees each step")
    func roundTrip() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder()
            let hospital = try broker.client(as: "northshire-hospitals")
            let socialCare = try broker.client(as: "northshire-csc")
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: envelope.data)

            let answer = try await hospital.publish(jws: jws)
            #expect(answer.id.uuidString.lowercased() == envelope.id)
            #expect(answer.recipients == ["northshire-csc"])
            let entry = try await broker.auditGet("/v1/audit/entries?fromIndex=\(answer.audit.index)&limit=1") as AuditEntries
            #expect(entry.entries.first?.event.kind == "published")
            #expect(entry.entries.first?.event.messageID == envelope.id)

            var status = try await hospital.status(message: answer.id)
            #expect(status.recipients.map(\.state) == ["pending"])

            let deliveries = try await socialCare.inbox()
            let delivery = try #require(deliveries.first)
            #expect(deliveries.count == 1)
            #expect(delivery.jws == jws, "the recipient gets the exact bytes the sender signed")
            #expect(delivery.sender == "northshire-hospitals")
            #expect(delivery.type == "unborn-baby-referral/1")
            #expect(delivery.attempt == 1)
            let verified = try DeliveryVerifier(directory: try await socialCare.directory()).verify(delivery)
            #expect(verified == envelope.data)

            status = try await hospital.status(message: answer.id)
            #expect(status.recipients.first?.state == "delivered")

            let acknowledgement = try await socialCare.acknowledge(delivery: delivery.id)
            #expect(acknowledgement.state == "acknowledged")
            status = try await hospital.status(message: answer.id)
            #expect(status.recipients.first?.state == "acknowledged")
            #expect(status.recipients.first?.acknowledgedAt != nil)

            broker.clock.advance(by: 3600)
            #expect(try await socialCare.inbox().isEmpty, "an acknowledged delivery never comes back")
        }
    }

    @Test("a message to several agencies gives each its own delivery, and only they see it")
    func fanOutToEachRecipient() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder(from: "northshire-hospitals", to: ["northshire-mash", "northshire-csc"])
            let answer = try await broker.client(as: "northshire-hospitals")
                .publish(jws: try broker.signer(for: "northshire-hospitals").sign(envelope: envelope.data))
            #expect(answer.recipients == ["northshire-mash", "northshire-csc"])
            #expect(try await broker.client(as: "northshire-mash").inbox().count == 1)
            #expect(try await broker.client(as: "northshire-csc").inbox().count == 1)
            #expect(try await broker.client(as: "oakfield-primary").inbox().isEmpty)
            #expect(try await broker.client(as: "northshire-police").inbox().isEmpty)
        }
    }

    @Test("only the recipient can acknowledge, and only the sender can see the status")
    func othersCannotAcknowledgeOrSeeStatus() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder()
            let answer = try await broker.client(as: "northshire-hospitals")
                .publish(jws: try broker.signer(for: "northshire-hospitals").sign(envelope: envelope.data))
            let delivery = try #require(try await broker.client(as: "northshire-csc").inbox().first)
            let police = try broker.client(as: "northshire-police")
            let ack = try await police.send("POST", "/v1/deliveries/\(delivery.id.uuidString.lowercased())/ack")
            #expect(ack.status == 404)
            #expect(ack.problem?.code == "not-found")
            let status = try await police.send("GET", "/v1/messages/\(answer.id.uuidString.lowercased())/status")
            #expect(status.status == 404)
            let ackAgain = try await broker.client(as: "northshire-csc").acknowledge(delivery: delivery.id)
            #expect(ackAgain.state == "acknowledged")
        }
    }

    // Issue 13: an agency whose system lost an acknowledged message could not fetch it again.
    @Test("the sender and a recipient it was delivered to can read a message again, recorded as retrieved; anyone else gets 404")
    func readAgain() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder(to: ["northshire-csc", "northshire-mash"])
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: envelope.data)
            _ = try await broker.client(as: "northshire-hospitals").publish(jws: jws)
            let socialCare = try broker.client(as: "northshire-csc")
            let delivery = try #require(try await socialCare.inbox().first)
            _ = try await socialCare.acknowledge(delivery: delivery.id)

            for agency in ["northshire-csc", "northshire-hospitals"] {
                let again = try await broker.client(as: agency).send("GET", "/v1/messages/\(envelope.id)")
                #expect(again.status == 200, "\(agency)")
                #expect(again.json?["jws"] as? String == jws, "the exact bytes the sender signed")
                #expect(again.json?["sender"] as? String == "northshire-hospitals")
                #expect(again.json?["type"] as? String == "unborn-baby-referral/1")
            }
            for agency in ["northshire-police", "northshire-mash"] {
                let refused = try await broker.client(as: agency).send("GET", "/v1/messages/\(envelope.id)")
                #expect(refused.status == 404, "\(agency): a stranger, or a recipient it was never delivered to")
            }
            #expect(try await broker.client(as: "northshire-csc").send("GET", "/v1/messages/not-a-uuid").status == 404)
            let read = try await broker.auditGet("/v1/audit/entries?kind=retrieved") as AuditEntries
            #expect(read.entries.map(\.event.agency) == ["northshire-csc", "northshire-hospitals"])
        }
    }

    @Test("resending the same id and bytes returns the first answer; the same id with other bytes is 409")
    func idempotentReplayAndConflict() async throws {
        try await withBroker { broker in
            // ES256 signatures are randomised: signing the same envelope again gives other bytes.
            let envelope = EnvelopeBuilder()
            #expect(try await broker.publishRaw(envelope, as: "northshire-hospitals").status == 201)
            let resigned = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            #expect(resigned.status == 409, "a second signature over the same id is different bytes")

            let fresh = EnvelopeBuilder()
            let freshJWS = try broker.signer(for: "northshire-hospitals").sign(envelope: fresh.data)
            let original = try await broker.postJWS(freshJWS, as: "northshire-hospitals")
            let resent = try await broker.postJWS(freshJWS, as: "northshire-hospitals")
            #expect(original.status == 201)
            #expect(resent.status == 201)
            #expect(resent.body == original.body)
            #expect(resent.header("Idempotent-Replayed") == "true")
            #expect(try await broker.client(as: "northshire-csc").inbox(limit: 10).count == 2,
                    "one delivery per message, however often it is resent")

            let changed = fresh.withSummary("a different content")
            let conflict = try await broker.publishRaw(changed, as: "northshire-hospitals")
            #expect(conflict.status == 409)
            #expect(conflict.problem?.code == "id-conflict")
            #expect(conflict.header("Content-Type") == "application/problem+json")
        }
    }

    // Issue 13: an agency that reused another agency's id learned from the answer that it existed.
    @Test("an id taken by another agency is refused in the same words as one's own: nothing about the other message is said")
    func idTakenByAnotherAgency() async throws {
        try await withBroker { broker in
            let referral = EnvelopeBuilder()
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)
            let history = try InformationRequestTests.example("relevant-history-1/valid-police-history.json", sentAt: broker.clock.now()) {
                $0["id"] = referral.id
                $0["inReplyTo"] = nil
            }
            let other = try await broker.postJWS(try broker.signer(for: "northshire-police").sign(envelope: history), as: "northshire-police")
            #expect(other.status == 409)
            let own = try await broker.publishRaw(referral.withSummary("other content"), as: "northshire-hospitals")
            #expect(own.status == 409)
            #expect(other.problem?.detail == own.problem?.detail, "the same answer whoever holds the id")
            for leak in ["northshire-hospitals", "unborn-baby-referral", "northshire-csc", "content", "agency"] {
                #expect(other.problem?.detail.contains(leak) == false, "\(leak)")
            }
        }
    }

    @Test("a JWS followed by whitespace (a file's final newline) is accepted, and stored and delivered without it")
    func whitespaceAfterTheJWS() async throws {
        try await withBroker { broker in
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: EnvelopeBuilder().data)
            let published = try await broker.postJWS(jws + "\n", as: "northshire-hospitals")
            #expect(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
            for resend in [jws, jws + " \t\r\n"] {
                let replayed = try await broker.postJWS(resend, as: "northshire-hospitals")
                #expect(replayed.status == 201)
                #expect(replayed.header("Idempotent-Replayed") == "true", "the same message, whatever whitespace follows it")
            }
            #expect(try await broker.client(as: "northshire-csc").inbox().map(\.jws) == [jws])
            let inside = try await broker.postJWS(" " + jws, as: "northshire-hospitals")
            #expect(inside.problem?.code == "malformed-message", "whitespace before a JWS is still refused")
        }
    }

    @Test("an identical resend gets the first answer even when the message would now be refused, and nothing is recorded for it")
    func replayOutlivesRefusals() async throws {
        try await withBroker { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            let expiring = try signer.sign(envelope: EnvelopeBuilder().data)
            let toSocialCare = try signer.sign(envelope: EnvelopeBuilder(to: ["northshire-csc"]).data)
            let first = try await broker.postJWS(expiring, as: "northshire-hospitals")
            let second = try await broker.postJWS(toSocialCare, as: "northshire-hospitals")
            #expect((first.status, second.status) == (201, 201))

            try broker.setStatus(of: "northshire-csc", to: "suspended")
            try await broker.server.reload()
            let kindsBefore = try await broker.eventKinds()
            let resentToSuspended = try await broker.postJWS(toSocialCare, as: "northshire-hospitals")
            #expect(resentToSuspended.status == 201, "the message was stored before the recipient was suspended")
            #expect(resentToSuspended.body == second.body)
            #expect(resentToSuspended.header("Idempotent-Replayed") == "true")
            let newToSuspended = try await broker.publishRaw(EnvelopeBuilder(to: ["northshire-csc"]), as: "northshire-hospitals")
            #expect(newToSuspended.status == 422, "a new message to a suspended agency is still refused")
            #expect(newToSuspended.problem?.code == "invalid-recipients")

            broker.clock.advance(by: 31 * 86400)
            let resentExpired = try await broker.postJWS(expiring, as: "northshire-hospitals")
            #expect(resentExpired.status == 201, "a resend after expiry tells the sender the message was stored")
            #expect(resentExpired.body == first.body)
            #expect(!(try await broker.eventKinds()).dropFirst(kindsBefore.count).contains("refused"))
            for answer in [first, second] {
                let id = try #require(answer.json?["id"] as? String)
                let entries = try await broker.auditGet("/v1/audit/entries?messageId=\(id)") as AuditEntries
                #expect(entries.entries.filter { $0.event.kind == "published" }.count == 1, "stored once, however often resent")
            }
        }
    }

    @Test("a waiting inbox call returns as soon as a delivery is committed")
    func longPollWakesOnPublish() async throws {
        try await withBroker { broker in
            let socialCare = try broker.client(as: "northshire-csc")
            async let waited = socialCare.inbox(limit: 5, wait: 20)
            #expect(try await eventually { broker.server.requestsInFlight.current == 1 }, "the long poll is waiting in the broker")
            let started = ContinuousClock.now
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            let deliveries = try await waited
            #expect(deliveries.count == 1)
            #expect(ContinuousClock.now - started < .seconds(10), "woken by the publish, not by the 20 s timeout")
        }
    }

    // The broker ends every wait's timeout with one timer, set for the earliest: a shorter wait
    // that starts after a longer one must still end on time, and neither before its time.
    @Test("waiting inbox calls with nothing for them answer empty when their own wait ends, a shorter one started later first")
    func longPollsEndWhenTheirWaitEnds() async throws {
        try await withBroker { broker in
            let started = ContinuousClock.now
            async let longer = broker.client(as: "northshire-csc").inbox(limit: 5, wait: 6)
            #expect(try await eventually { broker.server.requestsInFlight.current == 1 }, "the longer wait is in the broker")
            let shorterStarted = ContinuousClock.now
            let shorter = try await broker.client(as: "northshire-police").inbox(limit: 5, wait: 1)
            let shorterTook = ContinuousClock.now - shorterStarted
            #expect(shorter.isEmpty)
            #expect(shorterTook >= .milliseconds(950) && shorterTook < .seconds(4), "the 1 s wait ended after \(shorterTook), not with the 6 s one")
            #expect(try await longer.isEmpty)
            #expect(ContinuousClock.now - started >= .milliseconds(5_950), "the 6 s wait did not end with the shorter one")
        }
    }

    @Test("two waiting inbox calls of one agency: each new delivery promptly answers one of them, and none is answered twice")
    func longPollsShareDeliveries() async throws {
        try await withBroker { broker in
            let socialCare = try broker.client(as: "northshire-csc")
            let envelopes = (0..<2).map { _ in EnvelopeBuilder() }
            try await withThrowingTaskGroup(of: [Delivery].self) { group in
                for _ in 0..<2 {
                    group.addTask { try await socialCare.inbox(limit: 5, wait: 20) }
                }
                #expect(try await eventually { broker.server.requestsInFlight.current == 2 }, "both long polls are waiting in the broker")
                for envelope in envelopes {
                    let started = ContinuousClock.now
                    _ = try await broker.publishRaw(envelope, as: "northshire-hospitals")
                    let answered = try #require(try await group.next())
                    #expect(answered.map { $0.messageId.uuidString.lowercased() } == [envelope.id])
                    #expect(ContinuousClock.now - started < .seconds(10), "woken by the publish, not by the 20 s timeout")
                }
            }
        }
    }

    @Test("a fetched but unacknowledged delivery comes back after the visibility timeout, with its attempt counted")
    func redeliveryAfterVisibilityTimeout() async throws {
        try await withBroker { broker in
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            let socialCare = try broker.client(as: "northshire-csc")
            #expect(try await socialCare.inbox().first?.attempt == 1)
            #expect(try await socialCare.inbox().isEmpty, "hidden while the recipient works on it")
            broker.clock.advance(by: 31)
            #expect(try await socialCare.inbox().first?.attempt == 2)
        }
    }

    @Test("an acknowledged delivery is gone and an unacknowledged one survives a broker restart")
    func unacknowledgedSurvivesRestart() async throws {
        try await withBroker { broker in
            let kept = EnvelopeBuilder()
            let done = EnvelopeBuilder()
            _ = try await broker.publishRaw(done, as: "northshire-hospitals")
            _ = try await broker.publishRaw(kept, as: "northshire-hospitals")
            let first = try await broker.client(as: "northshire-csc").inbox(limit: 10)
            #expect(first.count == 2)
            let acknowledged = try #require(first.first { $0.messageId.uuidString.lowercased() == done.id })
            _ = try await broker.client(as: "northshire-csc").acknowledge(delivery: acknowledged.id)

            try await broker.stop()
            try await broker.start()
            broker.clock.advance(by: 60)

            let after = try await broker.client(as: "northshire-csc").inbox(limit: 10)
            #expect(after.map { $0.messageId.uuidString.lowercased() } == [kept.id])
            #expect(after.first?.attempt == 2)
        }
    }

    @Test("logs never contain payloads, subject identifiers or names")
    func logsHoldNoPersonalData() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder().withSummary("LOGCANARY-payload")
            _ = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            _ = try await broker.publishRaw(envelope.with("to", ["nobody-here"]), as: "northshire-hospitals")
            let delivery = try #require(try await broker.client(as: "northshire-csc").inbox().first)
            _ = try await broker.client(as: "northshire-csc").acknowledge(delivery: delivery.id)
            let logs = broker.logs.text
            #expect(logs.contains(envelope.id), "the message id is logged")
            for secret in ["9990001235", "Jane Example", "LOGCANARY", "postnatal", "1999-05-02", String(delivery.jws.prefix(40))] {
                #expect(!logs.contains(secret), "logs must not contain \(secret)")
            }
        }
    }
}

@Suite("Batch acknowledgement")
struct BatchAcknowledgementTests {
    @Test("several deliveries are acknowledged in one request; ids that are not the caller's are listed as not found; a body of the wrong shape is a 400 pointing at the member")
    func acknowledgeMany() async throws {
        try await withBroker { broker in
            let first = EnvelopeBuilder()
            let second = EnvelopeBuilder()
            _ = try await broker.publishRaw(first, as: "northshire-hospitals")
            _ = try await broker.publishRaw(second, as: "northshire-hospitals")
            _ = try await broker.publishRaw(EnvelopeBuilder(to: ["northshire-mash"]), as: "northshire-hospitals")
            let mashDelivery = try #require(try await broker.client(as: "northshire-mash").inbox().first)
            let socialCare = try broker.client(as: "northshire-csc")
            let deliveries = try await socialCare.inbox(limit: 10)
            #expect(deliveries.count == 2)

            let answer = try await socialCare.acknowledge(deliveries: deliveries.map(\.id) + [mashDelivery.id])
            #expect(Set(answer.acknowledged.map(\.id)) == Set(deliveries.map(\.id)))
            #expect(answer.notFound == [mashDelivery.id.uuidString.lowercased()], "another agency's delivery is not touched")
            broker.clock.advance(by: 60)
            #expect(try await socialCare.inbox().isEmpty)
            let mashStatus = try await broker.client(as: "northshire-hospitals").status(message: mashDelivery.messageId)
            #expect(mashStatus.recipients.first?.state == "delivered")
            let kinds = try await broker.eventKinds()
            #expect(kinds.filter { $0 == "acknowledged" }.count == 2)

            let malformed = try await socialCare.send("POST", "/v1/deliveries/ack", body: Data(#"{"ids": ["nope"]}"#.utf8),
                                                      contentType: "application/json")
            #expect(malformed.status == 400)
            #expect(malformed.problem?.errors?.first?.pointer == "/ids/0")

            let notStrings = try await socialCare.send("POST", "/v1/deliveries/ack",
                                                       body: Data(#"{"ids": ["\#(deliveries[0].id)", 7, null]}"#.utf8),
                                                       contentType: "application/json")
            #expect(notStrings.status == 400)
            #expect(notStrings.problem?.errors?.map(\.pointer) == ["/ids/1", "/ids/2"])
            #expect(notStrings.problem?.errors?.first?.message.contains("not a number") == true)
            for (body, pointer) in [(#"{"id": []}"#, "/ids"), (#"{"ids": "one"}"#, "/ids"), (#"["ids"]"#, "")] {
                let wrongShape = try await socialCare.send("POST", "/v1/deliveries/ack", body: Data(body.utf8), contentType: "application/json")
                #expect(wrongShape.status == 400, "\(body)")
                #expect(wrongShape.problem?.errors?.map(\.pointer) == [pointer], "\(body)")
            }
            let notJSON = try await socialCare.send("POST", "/v1/deliveries/ack", body: Data(#"{"ids": [}"#.utf8),
                                                    contentType: "application/json")
            #expect(notJSON.status == 400)
            #expect(notJSON.problem?.detail.contains("not JSON") == true)
        }
    }
}
