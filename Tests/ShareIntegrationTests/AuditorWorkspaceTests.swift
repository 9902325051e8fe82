import Foundation
import ShareClient
import ShareTesting
import Testing

/// The auditor's workspace as a data protection officer's browser sees it, fetched over real
/// mutual TLS with the auditor's certificate: whose record, who views it and when (UK time),
/// agencies by name, codes in words, every outcome, never a payload, and each view recorded.
@Suite("Auditor's workspace pages")
struct AuditorWorkspaceTests {
    /// 11:30 UTC on 1 July 2027 is 12:30 British Summer Time.
    static let start = Date(timeIntervalSince1970: 1_814_441_400)

    static func child(nhsNumber: String) -> [String: Any] {
        ["nhsNumber": nhsNumber, "name": "Riley Example", "dateOfBirth": "2020-03-02"]
    }

    /// The catalogue's example relevant-history/1 (a child's emergency department history) about `subject`.
    static func history(about subject: [String: Any], to recipients: [String] = ["northshire-csc"], at now: Date) throws -> EnvelopeBuilder {
        let file = RepositoryPaths.examples.appendingPathComponent("relevant-history-1/valid-health-history.json")
        let example = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        return EnvelopeBuilder(to: recipients, sentAt: now).with("type", "relevant-history/1").with("payload", example["payload"])
            .with("subject", subject)
    }

    /// The hospital shares a child's history (NHS number 9990001006) with children's social care,
    /// which acknowledges it, and is refused sending it to a school; returns the shared message.
    @discardableResult
    static func shareAndRefuse(on broker: TestBroker) async throws -> EnvelopeBuilder {
        let child = child(nhsNumber: "9990001006")
        let shared = try history(about: child, at: broker.clock.now())
        #expect(try await broker.publishRaw(shared, as: "northshire-hospitals").status == 201)
        let refused = try history(about: child, to: ["oakfield-primary"], at: broker.clock.now())
        #expect(try await broker.publishRaw(refused, as: "northshire-hospitals").status == 403)
        let socialCare = try broker.client(as: "northshire-csc")
        for delivery in try await socialCare.inbox(limit: 10) { _ = try await socialCare.acknowledge(delivery: delivery.id) }
        return shared
    }

    static func page(_ path: String, on broker: TestBroker, as agency: String = "northshire-audit") async throws
        -> (status: Int, html: String) {
        let answer = try await broker.client(as: agency).send("GET", path)
        return (answer.status, String(decoding: answer.body, as: UTF8.self))
    }

    @Test("a child known by an NHS number at one agency and a local id at another is one record, with every outcome in words")
    func subjectTimeline() async throws {
        try await withBroker(clock: TestClock(Self.start)) { broker in
            let now = broker.clock.now()
            let byNHS = try Self.history(about: Self.child(nhsNumber: "9990001006"), at: now)
            let byLocal = try Self.history(about: ["localIdentifiers": [["system": "northshire-csc-case", "value": "CSC-4471"]],
                                                   "name": "Riley Example", "dateOfBirth": "2020-03-02"], to: ["northshire-mash"], at: now)
            let other = try Self.history(about: Self.child(nhsNumber: "9990002231"), at: now)
            let refused = try Self.history(about: Self.child(nhsNumber: "9990001006"), to: ["oakfield-primary"], at: now)
            for message in [byNHS, byLocal, other] {
                #expect(try await broker.publishRaw(message, as: "northshire-hospitals").status == 201)
            }
            #expect(try await broker.publishRaw(refused, as: "northshire-hospitals").status == 403)
            let socialCare = try broker.client(as: "northshire-csc")
            for delivery in try await socialCare.inbox(limit: 10) { _ = try await socialCare.acknowledge(delivery: delivery.id) }

            let (status, html) = try await Self.page(
                "/workspace/subject?nhsNumber=9990001006&system=northshire-csc-case&value=CSC-4471", on: broker)
            #expect(status == 200)
            #expect(html.contains("Record of:</strong> the subject found by NHS number 9990001006, and by local identifier CSC-4471"))
            #expect(html.contains("Viewed by <strong>Northshire Safeguarding Partnership Audit</strong> on Thu 1 Jul 2027, 12:30 BST"))
            #expect(html.contains("id=\"message-\(byNHS.id)\"") && html.contains("id=\"message-\(byLocal.id)\""))
            #expect(!html.contains(other.id), "another child's message is not in this record")
            #expect(html.contains("Shared by Northshire Hospitals NHS Foundation Trust."))
            #expect(html.contains("Public task (Article 6(1)(e))"))
            #expect(html.contains("Consent not sought: Seeking consent could increase the risk to the unborn baby"))
            #expect(html.contains("Relevant history shared into an existing case"), "the type by its title")
            #expect(html.contains("Safeguarding of children and of individuals at risk (DPA 2018 Schedule 1 paragraph 18)"))
            #expect(html.contains("<td>Northshire Children&#39;s Social Care</td><td>directly</td>"))
            #expect(html.contains("acknowledged"), "children's social care acknowledged its copy")
            #expect(html.contains("delivered, not yet acknowledged") || html.contains("waiting to be delivered"),
                    "the MASH has not acknowledged")
            #expect(html.contains("Refused</strong>: an addressee&#39;s kind may not receive this type"))
            #expect(html.contains("It was addressed to Oakfield Primary School."))
            for code in ["public-task", "not-sought", "safeguarding-referral", "northshire-hospitals,", "T11:30:00", "relevant-history/1<"] {
                #expect(!html.contains(code), "no raw code or UTC time: \(code)")
            }
            #expect(!html.contains("oven door") && !html.contains("ED-25-118822"), "never the payload")
            #expect(html.contains("class=\"entry\" data-index="), "each entry carries its index for checking")

            let filtered = try await Self.page(
                "/workspace/subject?nhsNumber=9990001006&system=northshire-csc-case&value=CSC-4471&agency=northshire-mash", on: broker)
            #expect(filtered.html.contains(byLocal.id) && !filtered.html.contains("id=\"message-\(byNHS.id)\""),
                    "filtered by agency: only what the MASH received")

            let recorded = try await broker.auditGet("/v1/audit/entries?kind=audit-queried&limit=1000") as AuditEntries
            let views = recorded.entries.compactMap(\.event.query).filter { $0.hasPrefix("workspace subject subjects=") }
            #expect(views.count == 2, "each view is recorded")
            #expect(views.allSatisfy { !$0.contains("9990001006") && !$0.contains("CSC-4471") }, "as tokens, never identifiers")
        }
    }

    @Test("an unborn baby is found by the mother's NHS number and expected delivery date; expiry and dead letters are shown")
    func unbornAndExpiry() async throws {
        try await withBroker(clock: TestClock(Self.start), configure: TimerTests.fastTimers) { broker in
            let referral = TimerTests.referral(expiringIn: 3600, from: broker.clock.now())
            #expect(try await broker.publishRaw(referral, as: "northshire-hospitals").status == 201)
            #expect(try await broker.client(as: "northshire-csc").inbox().count == 1, "fetched, never acknowledged")
            broker.clock.advance(by: 7200)
            try await broker.afterTimerRound()

            let (status, html) = try await Self.page("/workspace/subject?mother=9990001235&edd=2027-02-14", on: broker)
            #expect(status == 200)
            #expect(html.contains("unborn baby of the mother with NHS number 9990001235, due 2027-02-14"))
            #expect(html.contains("expired Thu 1 Jul 2027, 14:30 BST before it was acknowledged"))
            #expect(html.contains("Notice from the broker: Delivery failed"), "the broker's own notice is told apart from disclosures")
        }
    }

    @Test("message detail shows its routing and every entry with its index; activity and log health read in words")
    func messageActivityAndLog() async throws {
        try await withBroker(clock: TestClock(Self.start)) { broker in
            let message = EnvelopeBuilder(sentAt: broker.clock.now())
            #expect(try await broker.publishRaw(message, as: "northshire-hospitals").status == 201)

            let detail = try await Self.page("/workspace/messages/\(message.id)", on: broker)
            #expect(detail.status == 200)
            #expect(detail.html.contains("Addressed directly to Northshire Children&#39;s Social Care."))
            #expect(detail.html.contains("<td>Northshire Children&#39;s Social Care</td><td>directly</td>"))
            #expect(detail.html.contains("received and stored: Northshire Hospitals NHS Foundation Trust"))
            #expect(detail.html.contains("routed to a recipient: Northshire Hospitals NHS Foundation Trust → Northshire Children&#39;s Social Care"))
            #expect(detail.html.contains("<span class=\"index\">#"))
            #expect(!detail.html.contains("href=\"/workspace/messages/\(message.id.lowercased())\""), "the page does not link to itself")
            let subject = try await Self.page("/workspace/subject?mother=9990001235&edd=2027-02-14", on: broker)
            #expect(subject.html.contains("href=\"/workspace/messages/\(message.id.lowercased())\""), "the timeline links to it")

            let activity = try await Self.page("/workspace/activity?from=2027-07-01&to=2027-07-31", on: broker)
            #expect(activity.status == 200)
            #expect(activity.html.contains("<td>July 2027</td><th scope=\"row\">Northshire Hospitals NHS Foundation Trust</th><td>1 × Unborn-baby referral with relevant health history</td>"))
            #expect(activity.html.contains("<th scope=\"row\">Northshire Children&#39;s Social Care</th><td>none</td><td>1 × Unborn-baby referral"))

            let log = try await Self.page("/workspace/log", on: broker)
            #expect(log.status == 200)
            #expect(log.html.contains("<dt>Entries in the log</dt>"))
            #expect(log.html.contains("Thu 1 Jul 2027, 12:30 BST"))
            #expect(log.html.contains("found them consistent with the"))
        }
    }

    @Test("each recipient shows how it was routed: directly, or by which subscription and what it matches, since removed or not")
    func routingBySubscription() async throws {
        try await withBroker(clock: TestClock(Self.start)) { broker in
            let consent = ["filters": [["pointer": "/disclosure/consent/status", "values": ["not-sought"]]]]
            let first = try await broker.subscribe("northshire-mash", SubscriptionTests.referrals.merging(consent) { $1 })
            let subscription = try #require(first.json?["id"] as? String)
            #expect(try await broker.subscribe("northshire-mash", SubscriptionTests.referrals).status == 201, "a second that also matches")
            #expect(try await broker.subscribe("northshire-csc", SubscriptionTests.referrals).status == 201, "named in 'to' as well")
            let message = EnvelopeBuilder(sentAt: broker.clock.now())
            let published = try await broker.publishRaw(message, as: "northshire-hospitals")
            #expect(published.json?["recipients"] as? [String] == ["northshire-csc", "northshire-mash"])

            let matches = "Unborn-baby referral with relevant health history in area E99999999, where /disclosure/consent/status is not-sought"
            let detail = try await Self.page("/workspace/messages/\(message.id)", on: broker)
            #expect(detail.html.contains("Addressed directly to Northshire Children&#39;s Social Care. "
                                         + "Found by a subscription: Northshire Multi-Agency Safeguarding Hub."))
            #expect(detail.html.contains("<td>Northshire Children&#39;s Social Care</td><td>directly</td>"), "'to' wins over its subscription")
            #expect(detail.html.contains("<td>Northshire Multi-Agency Safeguarding Hub</td><td>by subscription \(subscription): \(matches)</td>"),
                    "the first of the hub's two matching subscriptions")

            let entries = try await broker.auditGet("/v1/audit/entries?messageId=\(message.id)&kind=routed") as AuditEntries
            #expect(entries.entries.map(\.event.recipient) == ["northshire-csc", "northshire-mash"])
            #expect(entries.entries.map(\.event.subscriptionID) == [nil, subscription], "the API's entries say it too")
            let direct = String(decoding: try #require(Data(base64Encoded: entries.entries[0].leaf)), as: UTF8.self)
            #expect(!direct.contains("subscriptionID") && !direct.contains("rule"), "a direct entry is written as before routes were recorded")
            let report = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/subjects/report?nhsNumber=9990001235")
            let disclosed = try #require((report.json?["disclosures"] as? [[String: Any]])?.first)
            let recipients = try #require(disclosed["recipients"] as? [[String: Any]])
            #expect(recipients.map { $0["subscriptionId"] as? String } == [nil, subscription])
            let fhir = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/fhir?mother=9990001235&edd=2027-02-14")
            let details = ((fhir.json?["entry"] as? [[String: Any]]) ?? []).flatMap { entry in
                (((entry["resource"] as? [String: Any])?["entity"] as? [[String: Any]]) ?? []).flatMap { ($0["detail"] as? [[String: Any]]) ?? [] }
            }
            #expect(details.filter { $0["type"] as? String == "subscription" }.compactMap { $0["valueString"] as? String } == [subscription],
                    "the FHIR export's routed event names it")

            #expect(try await broker.client(as: "northshire-mash").send("DELETE", "/v1/subscriptions/\(subscription)").status == 204)
            let timeline = try await Self.page("/workspace/subject?mother=9990001235&edd=2027-02-14", on: broker)
            #expect(timeline.html.contains("<td>Northshire Children&#39;s Social Care</td><td>directly</td>"))
            #expect(timeline.html.contains("<td>Northshire Multi-Agency Safeguarding Hub</td><td>by subscription \(subscription), since removed</td>"))
        }
    }

    @Test("an agency that may not audit is refused every page, and its attempt shows nothing")
    func refusedForNonAuditors() async throws {
        try await withBroker { broker in
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            for path in ["/workspace", "/workspace/subject?nhsNumber=9990001235", "/workspace/activity", "/workspace/log"] {
                let answer = try await broker.client(as: "northshire-csc").send("GET", path)
                #expect(answer.status == 403, "\(path)")
                #expect(answer.problem?.code == "auditors-only", "\(path)")
            }
            let inBrowser = try await broker.curl("/workspace/subject?nhsNumber=9990001235", as: "northshire-csc",
                                                  ["-H", "Accept: text/html,application/xhtml+xml"])
            #expect(inBrowser.status == 403)
            #expect(inBrowser.body.contains("<h1>Auditors only</h1>"), "a page a browser shows")
            #expect(inBrowser.body.contains("The audit API is for agencies of kind &#39;auditor&#39;"))
            let search = try await Self.page("/workspace", on: broker)
            #expect(search.status == 200)
            #expect(search.html.contains("Mother's NHS number"))
            let badDate = try await Self.page("/workspace/subject?nhsNumber=9990001235&from=yesterday", on: broker)
            #expect(badDate.status == 400, "a filter that cannot be read is refused, not ignored")
        }
    }
}
