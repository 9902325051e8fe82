import Foundation
import ShareClient
import ShareTesting
import Testing

/// Child-protection flags and access notifications (the NHS Child Protection - Information
/// Sharing pattern), and the birth link that joins an unborn baby's record to the child's: over
/// mutual TLS with the demo partnership and a real store.
@Suite("Child-protection flags")
struct ChildProtectionFlagTests {
    static let riley = "9990371113"
    static let mother = "9990001235"
    static let baby = "9990001006"
    static var unborn: [String: Any] { [
        "unborn": true, "expectedDeliveryDate": "2027-02-14",
        "mother": ["nhsNumber": mother, "name": "Jane Example", "dateOfBirth": "1999-05-02"],
    ] }
    static var team: [String: Any] { ["name": "North Locality Safeguarding Team", "contact": ["phone": "01632 960 200"]] }

    /// A `child-protection-flag/1` message from children's social care about `subject`.
    static func flag(_ subject: [String: Any], payload: [String: Any], by sender: String = "northshire-csc") -> EnvelopeBuilder {
        EnvelopeBuilder(from: sender).with("type", "child-protection-flag/1").with("to", nil).with("expiresAt", nil)
            .with("subject", subject).with("payload", payload)
    }

    static func setFlag(_ kind: String, on subject: [String: Any]) -> EnvelopeBuilder {
        flag(subject, payload: ["action": "set", "kind": kind, "startDate": "2026-11-20", "owningTeam": team])
    }

    static var child: [String: Any] { ["nhsNumber": riley, "name": "Riley Sample", "dateOfBirth": "2017-10-21"] }

    /// Posts a flag query as `agency`.
    static func query(_ body: [String: Any], as agency: String, on broker: TestBroker) async throws -> ShareClient.RawResponse {
        try await broker.client(as: agency).send(
            "POST", "/v1/flags/query", body: try JSONSerialization.data(withJSONObject: body), contentType: "application/json")
    }

    /// The ids of the flags a query answer names.
    static func flagIDs(_ answer: ShareClient.RawResponse) -> [String] {
        (answer.json?["flags"] as? [[String: Any]] ?? []).compactMap { $0["flag"] as? String }
    }

    @Test("health finds a flag and its owner; the owner is notified and sees the access; the query is audited; an ended flag is not active")
    func queryNotifiesTheOwner() async throws {
        try await withBroker { broker in
            let set = Self.setFlag("child-protection", on: Self.child)
            let published = try await broker.publishRaw(set, as: "northshire-csc")
            #expect(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
            #expect(published.json?["recipients"] as? [String] == [], "a flag is a record, delivered to nobody")

            let answer = try await Self.query(["nhsNumber": Self.riley, "setting": "emergency-department"], as: "northshire-hospitals", on: broker)
            #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
            #expect(answer.json?["setting"] as? String == "emergency-department")
            let flags = try #require(answer.json?["flags"] as? [[String: Any]])
            try #require(flags.count == 1)
            #expect(flags[0]["flag"] as? String == set.id)
            #expect(flags[0]["kind"] as? String == "child-protection")
            #expect(flags[0]["startDate"] as? String == "2026-11-20")
            #expect((flags[0]["owner"] as? [String: Any])?["agency"] as? String == "northshire-csc")
            #expect((flags[0]["owningTeam"] as? [String: Any])?["name"] as? String == "North Locality Safeguarding Team")

            let notices = try await TimerTests.notices(for: "northshire-csc", on: broker)
            try #require(notices.count == 1)
            #expect(notices[0]["type"] as? String == "flag-accessed/1")
            #expect(notices[0]["to"] as? [String] == ["northshire-csc"])
            #expect((notices[0]["subject"] as? [String: Any])?["nhsNumber"] as? String == Self.riley)
            let payload = try #require(notices[0]["payload"] as? [String: Any])
            #expect(payload["accessedBy"] as? String == "northshire-hospitals")
            #expect(payload["setting"] as? String == "emergency-department")
            #expect((payload["flags"] as? [[String: Any]])?.map { $0["flag"] as? String } == [set.id])

            let owner = try await broker.client(as: "northshire-csc").send("GET", "/v1/flags/accesses")
            #expect(owner.status == 200)
            let ofTheirFlags = try #require(owner.json?["ofYourFlags"] as? [[String: Any]])
            #expect(ofTheirFlags.map { $0["queriedBy"] as? String } == ["northshire-hospitals"])
            #expect(ofTheirFlags.first?["setting"] as? String == "emergency-department")
            #expect(ofTheirFlags.first?["flags"] as? [String] == [set.id])
            #expect((owner.json?["byYou"] as? [Any])?.isEmpty == true)
            let asker = try await broker.client(as: "northshire-hospitals").send("GET", "/v1/flags/accesses")
            #expect((asker.json?["byYou"] as? [[String: Any]])?.map { $0["owner"] as? String } == ["northshire-csc"])
            #expect((asker.json?["ofYourFlags"] as? [Any])?.isEmpty == true)

            let audit = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?kind=flag-queried")
            let entries = try #require(audit.json?["entries"] as? [[String: Any]]).compactMap { $0["event"] as? [String: Any] }
            try #require(entries.count == 1)
            #expect(entries[0]["agency"] as? String == "northshire-hospitals")
            #expect(entries[0]["recipient"] as? String == "northshire-csc")
            #expect(entries[0]["setting"] as? String == "emergency-department")
            #expect(entries[0]["flags"] as? [String] == [set.id])
            let bySubject = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?nhsNumber=\(Self.riley)&kind=flag-queried")
            #expect((bySubject.json?["entries"] as? [Any])?.count == 1, "the query is found by the child's NHS number")

            let end = Self.flag(Self.child, payload: ["action": "end", "flag": set.id, "endDate": "2026-11-21"])
            #expect(try await broker.publishRaw(end, as: "northshire-csc").status == 201)
            let after = try await Self.query(["nhsNumber": Self.riley, "setting": "urgent-treatment-centre"], as: "northshire-hospitals", on: broker)
            #expect(after.status == 200)
            #expect(Self.flagIDs(after).isEmpty, "an ended flag is no longer active")
            let recorded = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?kind=flag-queried")
            let second = try #require((recorded.json?["entries"] as? [[String: Any]])?.last?["event"] as? [String: Any])
            #expect(second["setting"] as? String == "urgent-treatment-centre")
            #expect(second["recipient"] == nil, "nobody to notify, but the query is recorded")
            let bothBySubject = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?nhsNumber=\(Self.riley)&kind=flag-queried")
            #expect((bothBySubject.json?["entries"] as? [Any])?.count == 2, "a query that found nothing is found by the subject too")
        }
    }

    @Test("only the kinds the policy names may ask, set or end flags; each refusal says why")
    func refusals() async throws {
        try await withBroker { broker in
            for agency in ["northshire-police", "northshire-csc", "oakfield-primary"] {
                let refused = try await Self.query(["nhsNumber": Self.riley, "setting": "emergency-department"], as: agency, on: broker)
                #expect(refused.status == 403, "\(agency)")
                #expect(refused.problem?.code == "policy-refused")
                #expect(refused.problem?.detail.contains("health") == true, "names who may ask")
            }
            let audit = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?kind=refused")
            let rules = (audit.json?["entries"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["rule"] as? String }
            #expect(rules == ["queriedBy", "queriedBy", "queriedBy"])

            let bad = try await Self.query(["nhsNumber": "9990371114", "setting": "a-and-e", "name": "Riley"], as: "northshire-hospitals", on: broker)
            #expect(bad.status == 400)
            #expect(bad.problem?.errors?.map(\.pointer).sorted() == ["/name", "/nhsNumber", "/setting"])

            let byTheTrust = Self.setFlag("looked-after", on: Self.child)
            #expect(try await broker.publishRaw(byTheTrust.with("sender", "northshire-hospitals"), as: "northshire-hospitals").status == 403)

            let set = Self.setFlag("looked-after", on: Self.child)
            #expect(try await broker.publishRaw(set, as: "northshire-csc").status == 201)
            let unknown = Self.flag(Self.child, payload: ["action": "end", "flag": UUID().uuidString.lowercased(), "endDate": "2026-11-21"])
            let refusedEnd = try await broker.publishRaw(unknown, as: "northshire-csc")
            #expect(refusedEnd.status == 422)
            #expect(refusedEnd.problem?.errors?.map(\.pointer) == ["/payload/flag"])
            let otherSubject = Self.flag(["nhsNumber": Self.baby], payload: ["action": "end", "flag": set.id, "endDate": "2026-11-21"])
            let refusedSubject = try await broker.publishRaw(otherSubject, as: "northshire-csc")
            #expect(refusedSubject.status == 422)
            #expect(refusedSubject.problem?.errors?.map(\.pointer) == ["/subject"])
        }
    }

    @Test("an unborn baby's flag is found by the mother's NHS number and due date, and after the birth link by the child's; the child's report holds what was shared before the birth")
    func unbornToChild() async throws {
        try await withBroker { broker in
            let referral = EnvelopeBuilder()
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)
            let plan = Self.setFlag("unborn-child-protection", on: Self.unborn)
            #expect(try await broker.publishRaw(plan, as: "northshire-csc").status == 201)

            let byMother = try await Self.query(["mother": ["nhsNumber": Self.mother], "expectedDeliveryDate": "2027-02-14",
                                                 "setting": "maternity-assessment-unit"], as: "northshire-hospitals", on: broker)
            #expect(byMother.status == 200, "\(String(decoding: byMother.body, as: UTF8.self))")
            #expect(Self.flagIDs(byMother) == [plan.id])
            let otherPregnancy = try await Self.query(["mother": ["nhsNumber": Self.mother], "expectedDeliveryDate": "2029-01-01",
                                                       "setting": "maternity-assessment-unit"], as: "northshire-hospitals", on: broker)
            #expect(Self.flagIDs(otherPregnancy).isEmpty, "another pregnancy of the same mother is another subject")
            let mothersOwn = try await Self.query(["nhsNumber": Self.mother, "setting": "emergency-department"], as: "northshire-hospitals", on: broker)
            #expect(Self.flagIDs(mothersOwn).isEmpty, "the mother herself is not flagged")
            let beforeLink = try await Self.query(["nhsNumber": Self.baby, "setting": "emergency-department"], as: "northshire-hospitals", on: broker)
            #expect(Self.flagIDs(beforeLink).isEmpty)

            let link = EnvelopeBuilder().with("type", "birth-link/1").with("to", nil).with("expiresAt", nil)
                .with("subject", ["nhsNumber": Self.baby, "name": "Baby Example", "dateOfBirth": "2026-11-28"])
                .with("payload", ["unbornSubject": ["expectedDeliveryDate": "2027-02-14", "mother": ["nhsNumber": Self.mother]],
                                  "bornOn": "2026-11-28"])
            let linked = try await broker.publishRaw(link, as: "northshire-hospitals")
            #expect(linked.status == 201, "\(String(decoding: linked.body, as: UTF8.self))")
            #expect(linked.json?["recipients"] as? [String] == [])

            let afterLink = try await Self.query(["nhsNumber": Self.baby, "setting": "emergency-department"], as: "northshire-hospitals", on: broker)
            #expect(Self.flagIDs(afterLink) == [plan.id], "the pre-birth plan is found by the child's NHS number")
            let notices = try await TimerTests.notices(for: "northshire-csc", on: broker)
            let settings = notices.compactMap { ($0["payload"] as? [String: Any])?["setting"] as? String }
            #expect(settings.contains("emergency-department"))

            let auditor = try broker.client(as: "northshire-audit")
            let report = try await auditor.send("GET", "/v1/audit/subjects/report?nhsNumber=\(Self.baby)")
            #expect(report.status == 200)
            let disclosed = (report.json?["disclosures"] as? [[String: Any]] ?? []).compactMap { $0["messageId"] as? String }
            #expect(disclosed.contains(referral.id), "the referral made before the birth")
            #expect(disclosed.contains(plan.id) && disclosed.contains(link.id))
            let page = try await auditor.send("GET", "/v1/audit/subjects/report?nhsNumber=\(Self.baby)&format=html")
            #expect(page.status == 200)
            #expect(String(decoding: page.body, as: UTF8.self).contains(referral.id))
            let entries = try await auditor.send("GET", "/v1/audit/entries?nhsNumber=\(Self.baby)&kind=published")
            let published = (entries.json?["entries"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["messageID"] as? String }
            #expect(published.contains(referral.id) && published.contains(link.id))

            let mothersReport = try await auditor.send("GET", "/v1/audit/subjects/report?nhsNumber=\(Self.mother)")
            let mothers = (mothersReport.json?["disclosures"] as? [[String: Any]] ?? []).compactMap { $0["messageId"] as? String }
            #expect(mothers.contains(referral.id) && !mothers.contains(link.id), "the mother's record does not take in the child's")
        }
    }

    @Test("on PostgreSQL, a flag and a birth link published through one node are found through the other, which notifies the owner")
    func acrossNodesOnPostgres() async throws {
        let clock = TestClock()
        try await ClusterTests().withCluster(clocks: [clock, clock]) { a, b in
            let plan = Self.setFlag("unborn-child-protection", on: Self.unborn)
            #expect(try await a.publishRaw(plan, as: "northshire-csc").status == 201)
            let link = EnvelopeBuilder().with("type", "birth-link/1").with("to", nil).with("expiresAt", nil)
                .with("subject", ["nhsNumber": Self.baby])
                .with("payload", ["unbornSubject": ["expectedDeliveryDate": "2027-02-14", "mother": ["nhsNumber": Self.mother]],
                                  "bornOn": "2026-11-28"])
            #expect(try await a.publishRaw(link, as: "northshire-hospitals").status == 201)

            let answer = try await Self.query(["nhsNumber": Self.baby, "setting": "emergency-department"], as: "northshire-hospitals", on: b)
            #expect(answer.status == 200)
            #expect(Self.flagIDs(answer) == [plan.id])
            let notices = try await TimerTests.notices(for: "northshire-csc", on: a)
            #expect(notices.map { $0["type"] as? String } == ["flag-accessed/1"])
            let accesses = try await a.client(as: "northshire-csc").send("GET", "/v1/flags/accesses")
            #expect((accesses.json?["ofYourFlags"] as? [[String: Any]])?.map { $0["flags"] as? [String] } == [[plan.id]])
            let report = try await b.client(as: "northshire-audit").send("GET", "/v1/audit/subjects/report?nhsNumber=\(Self.baby)")
            let disclosed = (report.json?["disclosures"] as? [[String: Any]] ?? []).compactMap { $0["messageId"] as? String }
            #expect(disclosed.contains(plan.id) && disclosed.contains(link.id))
        }
    }
}
