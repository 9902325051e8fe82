import Foundation
import ShareClient
import ShareTesting
import Testing

/// "Keep a record of the decision and the reasons for it, whether or not you share": a decision
/// not to share is published like any message, kept and audited, delivered to nobody, seen only
/// by its agency and auditors, and linked both ways to the later shares that reconsider it.
@Suite("Decisions not to share")
struct DecisionNotToShareTests {
    static let agencies = ["northshire-hospitals", "northshire-police", "northshire-csc", "northshire-mash", "oakfield-primary", "northshire-audit"]

    /// A decision by `sender` not to share with the MASH, about the builder's unborn baby.
    func decision(by sender: String = "northshire-hospitals") -> EnvelopeBuilder {
        EnvelopeBuilder(from: sender).with("type", "decision-not-to-share/1").with("to", nil).with("expiresAt", nil)
            .with("payload", [
                "outcome": "not-to-share", "consideredSharingWith": ["northshire-mash"],
                "informationConsidered": "The mother's mental-health history.", "reasons": ["not-proportionate", "consent-refused"],
            ])
    }

    /// A referral to children's social care that reconsiders the decision `id`.
    func referral(reconsidering id: String) -> EnvelopeBuilder {
        let referral = EnvelopeBuilder()
        var disclosure = referral.fields["disclosure"] as! [String: Any]
        disclosure["reconsiders"] = id
        return referral.with("disclosure", disclosure)
    }

    @Test("a decision is accepted with no recipients, audited, delivered to nobody and read back by its sender only")
    func storedAndAuditedDeliveredToNobody() async throws {
        try await withBroker { broker in
            let mash = try broker.client(as: "northshire-mash")
            let subscription = try await mash.send("POST", "/v1/subscriptions", body: Data(#"{"types": ["decision-not-to-share/1"], "areas": ["E99999999"]}"#.utf8),
                                                   contentType: "application/json")
            #expect(subscription.status == 403, "nobody may subscribe to decisions not to share")
            #expect(subscription.problem?.errors?.map(\.pointer) == ["/types/0"])

            let decision = decision()
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: decision.data)
            let published = try await broker.postJWS(jws, as: "northshire-hospitals")
            #expect(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
            #expect(published.json?["recipients"] as? [String] == [])

            for agency in Self.agencies {
                #expect(try await broker.client(as: agency).inbox().isEmpty, "\(agency) must receive nothing")
            }

            let entries = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?messageId=\(decision.id)")
            let events = try #require(entries.json?["entries"] as? [[String: Any]]).compactMap { $0["event"] as? [String: Any] }
            #expect(events.map { $0["kind"] as? String } == ["published"], "published, and routed to nobody")
            let event = try #require(events.first)
            #expect(event["agency"] as? String == "northshire-hospitals")
            #expect(event["messageType"] as? String == "decision-not-to-share/1")
            let recorded = try #require(event["disclosure"] as? [String: Any])
            #expect(recorded["rationale"] as? String == "Mother disclosed domestic abuse; history of severe postnatal depression.")
            #expect((recorded["consent"] as? [String: Any])?["status"] as? String == "not-sought")
            #expect((event["subjects"] as? [String])?.isEmpty == false)

            let hospitals = try broker.client(as: "northshire-hospitals")
            let status = try await hospitals.send("GET", "/v1/messages/\(decision.id)/status")
            #expect(status.status == 200)
            #expect((status.json?["recipients"] as? [Any])?.isEmpty == true)
            #expect(status.json?["expiresAt"] == nil, "a record never expires")
            let retrieved = try await hospitals.send("GET", "/v1/messages/\(decision.id)")
            #expect(retrieved.status == 200)
            #expect(retrieved.json?["jws"] as? String == jws)
            for agency in Self.agencies where agency != "northshire-hospitals" {
                let client = try broker.client(as: agency)
                #expect(try await client.send("GET", "/v1/messages/\(decision.id)").status == 404, "\(agency) may not read it")
                #expect(try await client.send("GET", "/v1/messages/\(decision.id)/status").status == 404, "\(agency) may not see its status")
            }
        }
    }

    @Test("the subject report shows decisions beside disclosures, linked both ways to the shares that reconsider them")
    func reportLinksBothWays() async throws {
        try await withBroker { broker in
            let decision = decision()
            let unrelated = EnvelopeBuilder()
            let reconsidering = referral(reconsidering: decision.id)
            for message in [decision, unrelated, reconsidering] {
                #expect(try await broker.publishRaw(message, as: "northshire-hospitals").status == 201)
            }

            let auditor = try broker.client(as: "northshire-audit")
            let report = try await auditor.send("GET", "/v1/audit/subjects/report?nhsNumber=9990001235")
            #expect(report.status == 200)
            let disclosures = try #require(report.json?["disclosures"] as? [[String: Any]])
            #expect(disclosures.map { $0["messageId"] as? String } == [unrelated.id, reconsidering.id])
            #expect(disclosures[0]["reconsiders"] == nil)
            #expect(disclosures[1]["reconsiders"] as? String == decision.id)
            #expect((disclosures[1]["decision"] as? [String: Any])?["reconsiders"] as? String == decision.id)

            let decisions = try #require(report.json?["decisionsNotToShare"] as? [[String: Any]])
            let recorded = try #require(decisions.first)
            #expect(decisions.count == 1)
            #expect(recorded["messageId"] as? String == decision.id)
            #expect(recorded["recordedBy"] as? String == "northshire-hospitals")
            #expect(recorded["type"] as? String == "decision-not-to-share/1")
            #expect(recorded["auditIndex"] is Int)
            let made = try #require(recorded["decision"] as? [String: Any])
            #expect(made["purpose"] as? String == "safeguarding-referral")
            #expect((made["decidedBy"] as? [String: Any])?["role"] as? String == "Named Midwife for Safeguarding")
            let later = try #require(recorded["reconsideredBy"] as? [[String: Any]])
            #expect(later.map { $0["messageId"] as? String } == [reconsidering.id])
            #expect(later.first?["by"] as? String == "northshire-hospitals")
            #expect(later.first?["type"] as? String == "unborn-baby-referral/1")

            let page = try await auditor.send("GET", "/v1/audit/subjects/report?nhsNumber=9990001235&format=html")
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("<h2>Decisions not to share</h2>"))
            #expect(html.contains("2 disclosure(s),\n1 decision(s) not to share"))
            #expect(html.contains(#"<tr id="message-\#(decision.id)">"#))
            #expect(html.contains(##"<a href="#message-\##(decision.id)">"##), "the disclosure links to the decision")
            #expect(html.contains(##"<a href="#message-\##(reconsidering.id)">"##), "the decision links to the disclosure")
        }
    }

    @Test("a share may reconsider only a decision not to share that its own agency recorded")
    func reconsidersOnlyOwnDecisions() async throws {
        try await withBroker { broker in
            let police = decision(by: "northshire-police")
            let ordinary = EnvelopeBuilder()
            #expect(try await broker.publishRaw(police, as: "northshire-police").status == 201)
            #expect(try await broker.publishRaw(ordinary, as: "northshire-hospitals").status == 201)

            let hospitals = try broker.client(as: "northshire-hospitals")
            for named in [UUID().uuidString.lowercased(), police.id, ordinary.id] {
                let share = referral(reconsidering: named)
                let answer = try await broker.publishRaw(share, as: "northshire-hospitals")
                #expect(answer.status == 422, "reconsidering \(named)")
                let problem = try #require(answer.problem)
                #expect(problem.type == "urn:sharebroker:problem:invalid-envelope")
                #expect(problem.errors?.map(\.pointer) == ["/disclosure/reconsiders"])
                #expect(problem.detail.contains("'northshire-hospitals' published"))
                #expect(problem.detail.contains("leave 'reconsiders' out"))
                #expect(!problem.detail.contains("northshire-police"), "says nothing of another agency's decisions")
                #expect(try await hospitals.send("GET", "/v1/messages/\(share.id)/status").status == 404, "nothing stored")
            }
            let ownDecision = decision()
            #expect(try await broker.publishRaw(ownDecision, as: "northshire-hospitals").status == 201)
            #expect(try await broker.publishRaw(referral(reconsidering: ownDecision.id), as: "northshire-hospitals").status == 201)
        }
    }
}
