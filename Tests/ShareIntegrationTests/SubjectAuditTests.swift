import Foundation
import ShareClient
import ShareTesting
import Testing

/// Who shared what about this child, with whom, why, and who received it: found by the
/// subject's NHS number, although the log holds only keyed hashes of it.
@Suite("Audit by subject")
struct SubjectAuditTests {
    func envelope(nhsNumber: String, to recipients: [String]) -> EnvelopeBuilder {
        EnvelopeBuilder(to: recipients).with("subject", [
            "unborn": true, "expectedDeliveryDate": "2027-02-14",
            "mother": ["nhsNumber": nhsNumber, "name": "Jane Example", "dateOfBirth": "1999-05-02"],
        ])
    }

    @Test("entries and the report find every disclosure about a subject, and nothing else")
    func searchBySubject() async throws {
        try await withBroker { broker in
            let first = envelope(nhsNumber: "9990001235", to: ["northshire-csc"])
            let second = envelope(nhsNumber: "9990001235", to: ["northshire-mash"])
            let other = envelope(nhsNumber: "9990002231", to: ["northshire-csc"])
            for message in [first, second, other] {
                #expect(try await broker.publishRaw(message, as: "northshire-hospitals").status == 201)
            }
            let socialCare = try broker.client(as: "northshire-csc")
            for delivery in try await socialCare.inbox(limit: 10) where delivery.messageId.uuidString.lowercased() == first.id {
                _ = try await socialCare.acknowledge(delivery: delivery.id)
            }

            let found = try await broker.auditGet("/v1/audit/entries?nhsNumber=9990001235&limit=1000") as AuditEntries
            let messages = Set(found.entries.compactMap(\.event.messageID))
            #expect(messages == [first.id, second.id])
            #expect(Set(found.entries.map(\.event.kind)) == ["published", "routed", "delivered", "acknowledged"])

            let report = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/subjects/report?nhsNumber=999%20000%201235")
            #expect(report.status == 200)
            let disclosures = try #require(report.json?["disclosures"] as? [[String: Any]])
            #expect(disclosures.map { $0["messageId"] as? String } == [first.id, second.id])
            let decision = try #require(disclosures.first?["decision"] as? [String: Any])
            #expect(decision["lawfulBasis"] as? String == "public-task")
            #expect((decision["consent"] as? [String: Any])?["status"] as? String == "not-sought")
            let recipient = try #require((disclosures.first?["recipients"] as? [[String: Any]])?.first)
            #expect(recipient["agency"] as? String == "northshire-csc")
            #expect(recipient["firstDeliveredAt"] is String)
            #expect(recipient["acknowledgedAt"] is String)
            #expect((disclosures.last?["recipients"] as? [[String: Any]])?.first?["acknowledgedAt"] == nil, "mash has not acknowledged")

            let page = try await broker.client(as: "northshire-audit")
                .send("GET", "/v1/audit/subjects/report?nhsNumber=9990001235&format=html")
            #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains("northshire-mash"))
            #expect(html.contains("Seeking consent could increase the risk"))
        }
    }

    @Test("the log holds keyed tokens, never the NHS number, even in the record of a search")
    func logHoldsTokensNotIdentifiers() async throws {
        try await withBroker { broker in
            _ = try await broker.publishRaw(envelope(nhsNumber: "9990001235", to: ["northshire-csc"]), as: "northshire-hospitals")
            _ = try await broker.auditGet("/v1/audit/entries?nhsNumber=9990001235") as AuditEntries
            let all = try await broker.auditGet("/v1/audit/entries?fromIndex=0&limit=1000") as AuditEntries
            let published = try #require(all.entries.first { $0.event.kind == "published" })
            #expect(published.event.subjects?.count == 2, "the mother's NHS number and the unborn baby (mother and due date)")
            let search = try #require(all.entries.first { $0.event.query?.hasPrefix("entries subject=") == true })
            let token = try #require(published.event.subjects?.first { search.event.query?.contains("subject=\($0) ") == true },
                                     "the search is recorded with one of the published entry's tokens")
            let byToken = try await broker.auditGet("/v1/audit/entries?subject=\(token)") as AuditEntries
            #expect(byToken.entries.map(\.event.kind) == ["published", "routed"], "the token finds the message's entries")
            let raw = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?limit=1000")
            #expect(!String(decoding: raw.body, as: UTF8.self).contains("9990001235"))
        }
    }

    @Test("entries filter by kind, agency, message and index")
    func filters() async throws {
        try await withBroker { broker in
            let message = EnvelopeBuilder(from: "northshire-hospitals", to: ["northshire-mash"])
            _ = try await broker.publishRaw(message, as: "northshire-hospitals")
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            let published = try await broker.auditGet("/v1/audit/entries?kind=published") as AuditEntries
            #expect(published.entries.count == 2)
            let mash = try await broker.auditGet("/v1/audit/entries?agency=northshire-mash") as AuditEntries
            #expect(mash.entries.map(\.event.kind) == ["routed"], "routed to the MASH")
            let byMessage = try await broker.auditGet("/v1/audit/entries?messageId=\(message.id)") as AuditEntries
            #expect(byMessage.entries.count == 2)
            let mashClient = try broker.client(as: "northshire-mash")
            let delivery = try #require(try await mashClient.inbox().first)
            _ = try await mashClient.acknowledge(delivery: delivery.id)
            let seen = try await broker.auditGet("/v1/audit/entries?messageId=\(message.id)") as AuditEntries
            #expect(seen.entries.map(\.event.kind) == ["published", "routed", "delivered", "acknowledged"],
                    "the hand-out and the acknowledgement are found by message too")
            let later = try await broker.auditGet("/v1/audit/entries?kind=published&fromIndex=\(published.entries[1].index)") as AuditEntries
            #expect(later.entries.count == 1)
            let bad = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/entries?from=yesterday")
            #expect(bad.status == 400)
        }
    }
}
