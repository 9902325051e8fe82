import Foundation
import ShareClient
import ShareTesting
import Testing

/// Retention separate from evidence: when a referral's retention ends its content is destroyed
/// and served on no route, while every audit entry and proof stays; a legal hold stops it.
@Suite("Retention")
struct RetentionTests {
    static let day: TimeInterval = 86_400

    /// Writes into the broker's policy file that unborn-baby referrals are kept 10 days after
    /// they are settled (it reads it at start and on reload).
    static func retainReferrals(in broker: TestBroker) throws {
        let file = broker.folder.appendingPathComponent("policy.json")
        var policy = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        var types = policy["types"] as! [String: Any]
        var referral = types["unborn-baby-referral/1"] as! [String: Any]
        referral["retentionDays"] = 10
        types["unborn-baby-referral/1"] = referral
        policy["types"] = types
        try JSONSerialization.data(withJSONObject: policy).write(to: file)
    }

    /// Runs `body` against a fresh broker that keeps referrals 10 days (`retainReferrals`), and
    /// always stops it and removes its folder.
    static func withRetainingBroker(_ body: (TestBroker, TestClock) async throws -> Void) async throws {
        let clock = TestClock()
        let broker = try TestBroker(clock: clock)
        try retainReferrals(in: broker)
        try await broker.start()
        do {
            try await body(broker, clock)
        } catch {
            try? await broker.stopAndRemove()
            throw error
        }
        try await broker.stopAndRemove()
    }

    /// `sharectl audit ARGUMENTS` as the demo's auditor, keeping its pinned tree head in the broker's folder.
    static func sharectl(_ broker: TestBroker, _ arguments: [String]) async throws -> Subprocess.Result {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let state = arguments.first == "verify" ? ["--state", broker.folder.appendingPathComponent("audit-state.json").path] : []
        return try await Subprocess.run(sharectl, ["audit"] + arguments + [
            "--as", "northshire-audit", "--demo-dir", broker.folder.path, "--url", broker.baseURL.absoluteString,
        ] + state)
    }

    @Test("a settled referral's content is destroyed when its retention ends: 410 message-purged to its parties, served on no route, its status and entries kept, and the log still verifies independently")
    func purgeKeepsEvidence() async throws {
        try await Self.withRetainingBroker { broker, clock in
            let hospital = try broker.client(as: "northshire-hospitals")
            let csc = try broker.client(as: "northshire-csc")
            let signer = try broker.signer(for: "northshire-hospitals")
            let settled = try await hospital.publish(jws: try signer.sign(envelope: EnvelopeBuilder().data))
            let open = try await hospital.publish(jws: try signer.sign(envelope: EnvelopeBuilder().data))
            let deliveries = try await csc.inbox(limit: 10)
            let settledDelivery = try #require(deliveries.first { $0.messageId == settled.id })
            _ = try await csc.acknowledge(delivery: settledDelivery.id)
            let pinned = try await Self.sharectl(broker, ["verify"])
            #expect(pinned.status == 0, "\(pinned.stderr)")

            clock.advance(by: 9 * Self.day)
            try await broker.afterTimerRound()
            #expect(try await hospital.send("GET", "/v1/messages/\(settled.id)").status == 200, "kept for its 10 days")

            clock.advance(by: 2 * Self.day)
            try await broker.afterTimerRound()
            for client in [hospital, csc] {
                let answer = try await client.send("GET", "/v1/messages/\(settled.id)")
                #expect(answer.status == 410)
                #expect(answer.problem?.code == "message-purged")
                #expect(answer.problem?.detail.contains("retention period ended") == true)
            }
            #expect(try await csc.send("GET", "/v1/messages/\(open.id)").status == 200, "a message with a delivery still open is kept")
            #expect(try await csc.inbox(limit: 10).map(\.messageId) == [open.id], "the inbox hands out only the open delivery again")
            let stream = try await broker.curlStream("/v1/stream", as: "northshire-csc", ["-H", "Last-Event-ID: 0"]) {
                $0.contains(open.id.uuidString.lowercased())
            }
            #expect(stream.contains(open.id.uuidString.lowercased()))
            #expect(!stream.contains(settled.id.uuidString.lowercased()), "the stream sends nothing of the purged message")
            let status = try await hospital.send("GET", "/v1/messages/\(settled.id)/status")
            #expect(status.status == 200)
            #expect(((status.json?["recipients"] as? [[String: Any]])?.first?["state"] as? String) == "acknowledged")
            #expect(status.json?["purgedAt"] is String, "the sender sees when the content was destroyed")

            let entries: AuditEntries = try await broker.auditGet("/v1/audit/entries?messageId=\(settled.id)")
            #expect(entries.entries.map(\.event.kind) == ["published", "routed", "delivered", "acknowledged", "retrieved", "purged"])
            #expect(entries.entries.last?.event.agency == "sharebroker")

            let verified = try await Self.sharectl(broker, ["verify", "--full"])
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect(verified.text.contains("consistent with the tree head verified before"))
            let folder = broker.folder.appendingPathComponent("export")
            let exported = try await Self.sharectl(broker, ["export", folder.path])
            #expect(exported.status == 0, "\(exported.stderr)")
            let python = try await Subprocess.run("python3", [MerkleInteropTests.script, "export", folder.path])
            #expect(python.status == 0, "every entry, the purged message's included, hashes to the signed root: \(python.stderr)")
        }
    }

    @Test("a legal hold on the subject keeps a referral past its retention until an auditor lifts it; both are recorded and found by the subject, and every answer is as the OpenAPI document says")
    func legalHold() async throws {
        try await Self.withRetainingBroker { broker, clock in
            let hospital = try broker.client(as: "northshire-hospitals")
            let csc = try broker.client(as: "northshire-csc")
            let auditor = try broker.client(as: "northshire-audit")
            let message = try await hospital.publish(jws: try broker.signer(for: "northshire-hospitals").sign(envelope: EnvelopeBuilder().data))
            _ = try await csc.acknowledge(delivery: try #require(try await csc.inbox(limit: 10).first).id)

            var answers = RecordedAnswers(folder: broker.folder)
            let holds = "/v1/audit/legal-holds"
            let placed = try await auditor.send("POST", "\(holds)?nhsNumber=9990001235")
            try answers.add(placed, "POST", holds, expecting: 201)
            #expect(placed.json?["held"] as? Bool == true)
            let token = try #require(placed.json?["subject"] as? String)
            try answers.add(try await auditor.send("POST", "\(holds)?nhsNumber=999%20000%201235"), "POST", holds, expecting: 200)
            try answers.add(try await csc.send("POST", "\(holds)?nhsNumber=9990001235"), "POST", holds, expecting: 403)
            let listed = try await auditor.send("GET", holds)
            try answers.add(listed, "GET", holds, expecting: 200)
            #expect((listed.json?["legalHolds"] as? [[String: Any]])?.compactMap { $0["subject"] as? String } == [token])

            clock.advance(by: 11 * Self.day)
            try await broker.afterTimerRound()
            #expect(try await hospital.send("GET", "/v1/messages/\(message.id)").status == 200, "held past its retention")

            try answers.add(try await auditor.send("DELETE", "\(holds)?subject=\(token)"), "DELETE", holds, expecting: 200)
            try answers.add(try await auditor.send("DELETE", "\(holds)?subject=\(token)"), "DELETE", holds, expecting: 404)
            try await broker.afterTimerRound()
            try answers.add(try await hospital.send("GET", "/v1/messages/\(message.id)"), "GET", "/v1/messages/{id}", expecting: 410)
            try await answers.check()

            let report: AuditEntries = try await broker.auditGet("/v1/audit/entries?nhsNumber=9990001235")
            let kinds = report.entries.map(\.event.kind)
            #expect(kinds.filter { $0 == "legal-hold-placed" }.count == 1 && kinds.filter { $0 == "legal-hold-lifted" }.count == 1)
        }
    }
}
