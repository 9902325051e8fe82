import Foundation
import ShareClient
import ShareServer
import ShareTesting
import Testing

/// Subscriptions and the sharing policy: a MASH subscribes once and receives every referral
/// for its area; nothing reaches an agency the policy does not allow; every refusal is recorded.
@Suite("Subscriptions and sharing policy")
struct SubscriptionTests {
    static var referrals: [String: Any] { ["types": ["unborn-baby-referral/1"], "areas": ["E99999999"]] }

    // The MASH subscribes to referrals; a referral addressed to social care reaches both, once each.
    @Test("a subscription adds its agency to a message's recipients, once however many match")
    func subscriptionRouting() async throws {
        try await withBroker { broker in
            let created = try await broker.subscribe("northshire-mash", Self.referrals)
            #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
            #expect(created.header("Location")?.hasPrefix("/v1/subscriptions/") == true)
            _ = try await broker.subscribe("northshire-mash", Self.referrals.merging(["filters": [["pointer": "/area", "values": ["E99999999"]]]]) { $1 })

            let answer = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(answer.status == 201)
            #expect(answer.json?["recipients"] as? [String] == ["northshire-csc", "northshire-mash"])
            #expect(try await broker.client(as: "northshire-mash").inbox().count == 1)
            #expect(try await broker.client(as: "northshire-csc").inbox().count == 1)

            let bySubscriptionOnly = try await broker.publishRaw(EnvelopeBuilder().with("to", nil), as: "northshire-hospitals")
            #expect(bySubscriptionOnly.json?["recipients"] as? [String] == ["northshire-mash"])
        }
    }

    // Filters narrow a subscription by an envelope field; a message failing one is not routed by it.
    @Test("a filter on an envelope field narrows what a subscription receives")
    func filters() async throws {
        try await withBroker { broker in
            _ = try await broker.subscribe("northshire-mash", Self.referrals.merging([
                "filters": [["pointer": "/disclosure/consent/status", "values": ["given", "refused"]]],
            ]) { $1 })
            let notSought = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(notSought.json?["recipients"] as? [String] == ["northshire-csc"])
            var disclosure = EnvelopeBuilder().fields["disclosure"] as! [String: Any]
            disclosure["consent"] = ["status": "given"]
            let given = try await broker.publishRaw(EnvelopeBuilder().with("disclosure", disclosure), as: "northshire-hospitals")
            #expect(given.json?["recipients"] as? [String] == ["northshire-csc", "northshire-mash"])
        }
    }

    // A message that would reach nobody is refused, never accepted into nowhere.
    @Test("a message with no recipient and no matching subscription is refused (422)")
    func reachesNobody() async throws {
        try await withBroker { broker in
            let answer = try await broker.publishRaw(EnvelopeBuilder().with("to", nil), as: "northshire-hospitals")
            #expect(answer.status == 422)
            #expect(answer.problem?.code == "invalid-recipients")
            #expect(answer.problem?.detail.contains("no recipient") == true)
        }
    }

    // Each policy rule refuses with 403, names the rule's limits, and is written to the event record.
    @Test("the policy refuses senders, recipients, routing, areas and expiry, and records each refusal")
    func refusals() async throws {
        try await withBroker { broker in
            let school = try await broker.subscribe("oakfield-primary", ["types": ["relevant-history/1"], "areas": ["E99999999"]])
            #expect(school.status == 403, "a school may not subscribe to police and health history")
            #expect(school.problem?.code == "policy-refused")
            #expect(school.problem?.errors?.first?.pointer == "/types/0")

            let police = try await broker.publishRaw(EnvelopeBuilder(from: "northshire-police"), as: "northshire-police")
            #expect(police.status == 403)
            #expect(police.problem?.detail.contains("may not send") == true)

            let toSchool = try await broker.publishRaw(EnvelopeBuilder(to: ["oakfield-primary"]), as: "northshire-hospitals")
            #expect(toSchool.status == 403)
            #expect(toSchool.problem?.errors?.first?.pointer == "/to/0")
            #expect(try await broker.client(as: "oakfield-primary").inbox().isEmpty)

            let directOnly = try await broker.subscribe("northshire-police", ["types": ["mash-enquiry/1"], "areas": ["E99999999"]])
            #expect(directOnly.status == 403)
            let elsewhere = try await broker.subscribe("northshire-mash", ["types": ["unborn-baby-referral/1"], "areas": ["E10000014"]])
            #expect(elsewhere.status == 403)
            #expect(elsewhere.problem?.errors?.first?.pointer == "/areas/0")

            let sentAt = Date()
            let tooLong = EnvelopeBuilder(sentAt: sentAt)
                .with("expiresAt", sentAt.addingTimeInterval(91 * 86_400).formatted(Date.ISO8601FormatStyle(timeZone: .gmt)))
            let expiry = try await broker.publishRaw(tooLong, as: "northshire-hospitals")
            #expect(expiry.status == 403)
            #expect(expiry.problem?.errors?.first?.pointer == "/expiresAt")

            let refused = try await broker.auditGet("/v1/audit/entries?kind=refused") as AuditEntries
            #expect(refused.entries.map(\.event.agency) == [
                "oakfield-primary", "northshire-police", "northshire-hospitals", "northshire-police", "northshire-mash",
                "northshire-hospitals",
            ])
            #expect(refused.entries.compactMap(\.event.rule) == ["recipients", "senders", "recipients", "routing", "areas", "maxExpiryDays"])
        }
    }

    // Each agency sees and removes only its own subscriptions; a removed one routes nothing more.
    @Test("list and delete are the caller's own; deleting stops routing")
    func listAndDelete() async throws {
        try await withBroker { broker in
            let created = try await broker.subscribe("northshire-mash", Self.referrals)
            let id = try #require(created.json?["id"] as? String)
            let mine = try await broker.client(as: "northshire-mash").send("GET", "/v1/subscriptions")
            #expect((mine.json?["subscriptions"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])
            let theirs = try await broker.client(as: "northshire-csc").send("GET", "/v1/subscriptions")
            #expect((theirs.json?["subscriptions"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await broker.client(as: "northshire-csc").send("DELETE", "/v1/subscriptions/\(id)").status == 404)

            #expect(try await broker.client(as: "northshire-mash").send("DELETE", "/v1/subscriptions/\(id)").status == 204)
            #expect(try await broker.client(as: "northshire-mash").send("DELETE", "/v1/subscriptions/\(id)").status == 404)
            let answer = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(answer.json?["recipients"] as? [String] == ["northshire-csc"])
            let events = try await broker.auditGet("/v1/audit/entries?agency=northshire-mash") as AuditEntries
            #expect(events.entries.map(\.event.kind) == ["subscription-created", "subscription-removed"])
        }
    }

    // Malformed requests get 422 with the pointer of the mistake, or 415 for another media type.
    @Test("a malformed subscription is refused with its pointer")
    func malformed() async throws {
        try await withBroker { broker in
            let unknownType = try await broker.subscribe("northshire-mash", ["types": ["referral/9"], "areas": ["E99999999"]])
            #expect(unknownType.status == 422)
            #expect(unknownType.problem?.errors?.first?.pointer == "/types/0")
            let noAreas = try await broker.subscribe("northshire-mash", ["types": ["unborn-baby-referral/1"]])
            #expect(noAreas.problem?.errors?.first?.pointer == "/areas")
            let badFilter = try await broker.subscribe("northshire-mash", Self.referrals.merging(["filters": [["pointer": "payload", "values": ["x"]]]]) { $1 })
            #expect(badFilter.problem?.errors?.first?.pointer == "/filters/0/pointer")
            let text = try await broker.client(as: "northshire-mash").send("POST", "/v1/subscriptions", body: Data("{}".utf8), contentType: "text/plain")
            #expect(text.status == 415)
        }
    }

    // Subscriptions are stored: a restarted broker routes by them as before.
    @Test("subscriptions survive a restart")
    func survivesRestart() async throws {
        try await withBroker { broker in
            _ = try await broker.subscribe("northshire-mash", Self.referrals)
            try await broker.stop()
            try await broker.start()
            let answer = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(answer.json?["recipients"] as? [String] == ["northshire-csc", "northshire-mash"])
        }
    }

    // A reload applies a new policy and records it; a broken policy file never replaces a good one.
    @Test("a policy reload takes effect, is recorded, and a bad file is refused")
    func policyReload() async throws {
        try await withBroker { broker in
            let policyFile = broker.folder.appendingPathComponent("policy.json")
            let good = try Data(contentsOf: policyFile)
            var policy = try #require(try JSONSerialization.jsonObject(with: good) as? [String: Any])
            var types = try #require(policy["types"] as? [String: Any])
            var referral = try #require(types["unborn-baby-referral/1"] as? [String: Any])
            referral["recipients"] = ["mash"]
            types["unborn-baby-referral/1"] = referral
            policy["types"] = types
            try JSONSerialization.data(withJSONObject: policy).write(to: policyFile)
            try await broker.server.reload()
            let refused = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(refused.status == 403, "social care may no longer receive referrals")

            try Data(#"{"types": {"unborn-baby-referral/1": {"senders": ["doctor"]}}}"#.utf8).write(to: policyFile)
            await #expect(throws: (any Error).self) { try await broker.server.reload() }
            let stillRefused = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(stillRefused.status == 403, "the broken file did not replace the policy in force")

            let loaded = try await broker.auditGet("/v1/audit/entries?kind=policy-loaded") as AuditEntries
            #expect(loaded.entries.count == 2, "at start and at the reload")
            #expect(Set(loaded.entries.compactMap(\.event.policyDigest)).count == 2)
        }
    }

    // sharectl adds, lists and removes subscriptions, and prints the broker's refusal on failure.
    @Test("sharectl subscriptions add, list and remove")
    func sharectlSubscriptions() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        try await withBroker { broker in
            func run(_ arguments: [String], as agency: String = "northshire-mash") async throws -> Subprocess.Result {
                try await Subprocess.run(sharectl, ["subscriptions"] + arguments + [
                    "--as", agency, "--demo-dir", broker.folder.path, "--url", broker.baseURL.absoluteString,
                ])
            }
            let added = try await run(["add", "--type", "unborn-baby-referral/1", "--area", "E99999999",
                                       "--filter", "/disclosure/purpose=safeguarding-referral,notification"])
            #expect(added.status == 0, "\(added.stderr)")
            let id = try #require((try JSONSerialization.jsonObject(with: added.stdout) as? [String: Any])?["id"] as? String)
            let listed = try await run(["list"])
            #expect(listed.text.contains(id) && listed.text.contains("/disclosure/purpose"))
            let refused = try await run(["add", "--type", "relevant-history/1", "--area", "E99999999"], as: "oakfield-primary")
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("policy-refused"))
            let removed = try await run(["remove", id])
            #expect(removed.status == 0, "\(removed.stderr)")
            #expect(try await run(["list"]).text.contains(id) == false)
        }
    }
}

extension TestBroker {
    /// POSTs a subscription request as `agency`.
    func subscribe(_ agency: String, _ request: [String: Any]) async throws -> ShareClient.RawResponse {
        try await client(as: agency).send("POST", "/v1/subscriptions", body: try JSONSerialization.data(withJSONObject: request),
                                          contentType: "application/json")
    }
}
