import Foundation
import ShareClient
import ShareJWS
import ShareModel
import ShareServer
import ShareTesting
import Testing

/// Selective disclosure (SD-JWT, RFC 9901): the police sign a domestic abuse notification once;
/// the demo policy gives the school what its key adult needs and children's social care and the
/// MASH everything, so the incident narrative never reaches the school by any route.
@Suite("Selective disclosure per recipient")
struct SelectiveDisclosureTests {
    static let narrative = "Officers attended after a neighbour's call; NARRATIVE-FOR-SOCIAL-CARE-ONLY."
    static let disclosable = ["/payload/incidentAt", "/payload/keyAdultGuidance", "/payload/incidentNarrative"]
    static let recipients = ["oakfield-primary", "northshire-csc", "northshire-mash"]

    /// A notification to the school, social care and the MASH carrying the narrative.
    static func notification(_ broker: TestBroker, to: [String] = recipients) throws -> Data {
        let now = broker.clock.now()
        return try InformationRequestTests.example("domestic-abuse-notification-1/valid-child-present.json", sentAt: now) {
            var payload = $0["payload"] as! [String: Any]
            payload["incidentAt"] = now.addingTimeInterval(-3600).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
            payload["nextSchoolDay"] = now.addingTimeInterval(86_400).formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
            payload["incidentNarrative"] = narrative
            $0["payload"] = payload
            $0["to"] = to
        }
    }

    /// Publishes the notification as an SD-JWT signed by the police; returns the SD-JWT and the message id.
    static func publish(_ broker: TestBroker, to: [String] = recipients) async throws -> (sdjwt: String, id: String) {
        let envelope = try notification(broker, to: to)
        let sdjwt = try broker.signer(for: "northshire-police").sign(envelope: envelope, disclosable: disclosable)
        let published = try await broker.postJWS(sdjwt, as: "northshire-police", contentType: "application/sd-jwt")
        try #require(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
        return (sdjwt, try InformationRequestTests.id(of: envelope))
    }

    /// What `agency` can read of a delivered body: the envelope, verified and reconstructed.
    static func payload(of delivery: Delivery, _ broker: TestBroker, as agency: String) async throws -> [String: Any] {
        let verifier = try DeliveryVerifier(directory: try await broker.client(as: agency).directory())
        let envelope = try JSONSerialization.jsonObject(with: try verifier.verify(delivery)) as? [String: Any]
        return try #require(envelope?["payload"] as? [String: Any])
    }

    /// Checks that a body handed to the school holds the key adult's members and not a trace of the narrative.
    static func expectSchoolCopy(_ body: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(!body.contains("NARRATIVE"), sourceLocation: sourceLocation)
        let decoded = body.split(separator: "~").dropFirst().compactMap { Base64URL.decode($0) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded.count == 2, "incidentAt and keyAdultGuidance only", sourceLocation: sourceLocation)
        #expect(!decoded.contains { $0.contains("incidentNarrative") || $0.contains("NARRATIVE") }, sourceLocation: sourceLocation)
    }

    @Test("by inbox and retrieval the school gets the key adult's members and not the narrative; social care, the MASH and the sender get all")
    func inboxAndRetrieval() async throws {
        try await withBroker { broker in
            let (sdjwt, id) = try await Self.publish(broker)
            let school = try #require(try await broker.client(as: "oakfield-primary").inbox().first)
            try Self.expectSchoolCopy(school.jws)
            let schoolPayload = try await Self.payload(of: school, broker, as: "oakfield-primary")
            #expect(schoolPayload["keyAdultGuidance"] != nil && schoolPayload["incidentAt"] != nil && schoolPayload["childPresent"] as? Bool == true)
            #expect(schoolPayload["incidentNarrative"] == nil)
            for agency in ["northshire-csc", "northshire-mash"] {
                let delivery = try #require(try await broker.client(as: agency).inbox().first)
                #expect(delivery.jws == sdjwt, "\(agency) gets every disclosure")
                #expect(try await Self.payload(of: delivery, broker, as: agency)["incidentNarrative"] as? String == Self.narrative)
            }
            let retrieved = try await broker.client(as: "oakfield-primary").send("GET", "/v1/messages/\(id)")
            try Self.expectSchoolCopy(try #require(retrieved.json?["jws"] as? String))
            let own = try await broker.client(as: "northshire-police").send("GET", "/v1/messages/\(id)")
            #expect(own.json?["jws"] as? String == sdjwt, "the sender reads its own message whole")
        }
    }

    @Test("a recipient gets what its routed entry recorded at publish even after a reload changes the policy; the new policy applies to messages published after it")
    func decisionRecordedAtPublishHolds() async throws {
        try await withBroker { broker in
            let (_, before) = try await Self.publish(broker, to: ["oakfield-primary"])
            let configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: broker.configurationFile)) as! [String: Any]
            let policyFile = URL(fileURLWithPath: configuration["policy"] as! String,
                                 relativeTo: broker.configurationFile.deletingLastPathComponent())
            var policy = try JSONSerialization.jsonObject(with: Data(contentsOf: policyFile)) as! [String: Any]
            var types = policy["types"] as! [String: Any]
            var rule = types["domestic-abuse-notification/1"] as! [String: Any]
            rule["selectiveDisclosure"] = ["education": ["/payload"], "social-care": ["/payload"], "mash": ["/payload"]]
            types["domestic-abuse-notification/1"] = rule
            policy["types"] = types
            try JSONSerialization.data(withJSONObject: policy).write(to: policyFile, options: .atomic)
            try await broker.server.reload()

            let (_, after) = try await Self.publish(broker, to: ["oakfield-primary"])
            let school = try broker.client(as: "oakfield-primary")
            let deliveries = try await school.inbox()
            try Self.expectSchoolCopy(try #require(deliveries.first { $0.messageId.lowercasedString == before }).jws)
            let retrieved = try await school.send("GET", "/v1/messages/\(before)")
            try Self.expectSchoolCopy(try #require(retrieved.json?["jws"] as? String))
            let widened = try #require(deliveries.first { $0.messageId.lowercasedString == after })
            #expect(try await Self.payload(of: widened, broker, as: "oakfield-primary")["incidentNarrative"] as? String == Self.narrative,
                    "published after the reload: the school's routed entry records the narrative as disclosed")
        }
    }

    @Test("the audit log names, by pointer, which disclosable members each recipient received and which were withheld")
    func auditNamesWhatWentToWhom() async throws {
        try await withBroker { broker in
            let (_, id) = try await Self.publish(broker)
            let routed = try await broker.auditGet("/v1/audit/entries?messageId=\(id)&kind=routed") as AuditEntries
            let byRecipient = Dictionary(uniqueKeysWithValues: routed.entries.map { ($0.event.recipient ?? "", $0.event) })
            #expect(byRecipient["oakfield-primary"]?.disclosed == ["/payload/incidentAt", "/payload/keyAdultGuidance"])
            #expect(byRecipient["oakfield-primary"]?.withheld == ["/payload/incidentNarrative"])
            for agency in ["northshire-csc", "northshire-mash"] {
                #expect(byRecipient[agency]?.disclosed == Self.disclosable.sorted())
                #expect(byRecipient[agency]?.withheld == [])
            }
            let entries = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?messageId=\(id)")
            #expect(!String(decoding: entries.body, as: UTF8.self).contains("NARRATIVE"), "the log holds pointers, never values")

            let school = "received incidentAt and keyAdultGuidance, not incidentNarrative"
            let query = "/v1/audit/subjects/report?system=northshire-csc&value=CSC-000457"
            let report = try await broker.client(as: "northshire-audit").send("GET", query)
            let disclosure = try #require((report.json?["disclosures"] as? [[String: Any]])?.first)
            let members = (disclosure["recipients"] as? [[String: Any]])?.first { $0["agency"] as? String == "oakfield-primary" }?["members"]
            #expect((members as? [String: [String]])?["withheld"] == ["/payload/incidentNarrative"])
            let printable = try await broker.client(as: "northshire-audit").send("GET", query + "&format=html")
            #expect(String(decoding: printable.body, as: UTF8.self).contains("oakfield-primary: received"))
            #expect(String(decoding: printable.body, as: UTF8.self).contains(school))
            let page = try await AuditorWorkspaceTests.page("/workspace/messages/\(id)", on: broker)
            #expect(page.html.contains(school))
            #expect(page.html.contains("received all 3 selectively disclosable members"), "social care and the MASH")
        }
    }

    @Test("a school streaming its deliveries never gets the narrative, whether pushed at publish or read when the stream opens")
    func stream() async throws {
        try await withBroker { broker in
            _ = try await Self.publish(broker, to: ["oakfield-primary"])
            let reader = StreamReader(try await broker.client(as: "oakfield-primary").stream())
            defer { reader.stop() }
            #expect(try await eventually { broker.streamsOpened(1) })
            _ = try await Self.publish(broker, to: ["oakfield-primary"])
            #expect(try await eventually(within: 5) { reader.deliveries.count == 2 })
            for streamed in reader.deliveries {
                try Self.expectSchoolCopy(streamed.delivery.jws)
                #expect(try await Self.payload(of: streamed.delivery, broker, as: "oakfield-primary")["incidentNarrative"] == nil)
            }
        }
    }

    @Test("a delivery pushed to the school's webhook has no narrative; social care's has it")
    func webhook() async throws {
        try await WebhookTests().withWebhookBroker { broker, receiver in
            #expect(try await WebhookTests().register(receiver.url, for: "oakfield-primary", on: broker).status == 200)
            _ = try await Self.publish(broker, to: ["oakfield-primary", "northshire-csc"])
            #expect(try await eventually { receiver.received.count == 1 })
            let pushed = try JSONSerialization.jsonObject(with: try #require(receiver.received.first).body) as? [String: Any]
            try Self.expectSchoolCopy(try #require(pushed?["jws"] as? String))
            let csc = try #require(try await broker.client(as: "northshire-csc").inbox().first)
            #expect(try await Self.payload(of: csc, broker, as: "northshire-csc")["incidentNarrative"] as? String == Self.narrative)
        }
    }

    @Test("malformed SD-JWTs are refused with a problem saying what and where")
    func refusals() async throws {
        try await withBroker { broker in
            let police = try broker.signer(for: "northshire-police")
            func refused(_ body: String, _ status: Int, _ code: String, pointer: String? = nil,
                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
                let response = try await broker.postJWS(body, as: "northshire-police", contentType: "application/sd-jwt")
                PublishRefusalTests().expectRefusal(response, status, code, sourceLocation: sourceLocation)
                if let pointer {
                    #expect(response.problem?.errors?.map(\.pointer).contains(pointer) == true,
                            "\(String(decoding: response.body, as: UTF8.self))", sourceLocation: sourceLocation)
                }
            }
            let envelope = try Self.notification(broker)
            let good = try police.sign(envelope: envelope, disclosable: Self.disclosable)
            let parts = good.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
            // Outside the payload: the broker routes and audits the envelope, so it must be in clear.
            try await refused(try police.sign(envelope: envelope, disclosable: ["/subject/name"]), 422, "invalid-disclosures", pointer: "/subject/name")
            // A disclosure the signed payload does not refer to (one of another message's).
            let other = try police.sign(envelope: try Self.notification(broker), disclosable: ["/payload/incidentNarrative"])
            try await refused(good + other.split(separator: "~")[1] + "~", 422, "invalid-disclosures")
            // The same disclosure twice.
            try await refused(good + parts[1] + "~", 422, "invalid-disclosures")
            // A disclosure changed after signing no longer matches any digest.
            let forged = Base64URL.encode(Data(#"["c2FsdA","incidentNarrative","changed"]"#.utf8))
            try await refused(([parts[0], forged] + parts[2...]).joined(separator: "~"), 422, "invalid-disclosures")
            // A key-binding JWT after the last '~' is not taken.
            try await refused(good + parts[0], 400, "malformed-message")
            // The reconstructed envelope is checked against the schema: a disclosed member of the wrong type.
            let wrongType = try InformationRequestTests.example("domestic-abuse-notification-1/valid-child-present.json", sentAt: broker.clock.now()) {
                var payload = $0["payload"] as! [String: Any]
                payload["childPresent"] = "yes"
                $0["payload"] = payload
            }
            try await refused(try police.sign(envelope: wrongType, disclosable: ["/payload/childPresent"]), 422, "invalid-envelope",
                              pointer: "/payload/childPresent")
            // A type whose policy says nothing of selective disclosure.
            let referral = EnvelopeBuilder(from: "northshire-hospitals", sentAt: broker.clock.now())
            let hospital = try broker.signer(for: "northshire-hospitals")
            let response = try await broker.postJWS(try hospital.sign(envelope: referral.data, disclosable: ["/payload/summary"]),
                                                    as: "northshire-hospitals", contentType: "application/sd-jwt")
            PublishRefusalTests().expectRefusal(response, 422, "invalid-disclosures")
            #expect(response.problem?.errors?.first?.pointer == "/payload/summary")
            #expect(try await broker.client(as: "oakfield-primary").inbox().isEmpty, "nothing refused was delivered")
        }
    }
}
