import Foundation
import ShareClient
import ShareTesting
import Testing

/// `GET /v1/audit/fhir`: a subject's audit trail as FHIR AuditEvent resources, valid for an
/// independent FHIR library (Tests/interop/check_fhir.py, fhir.resources), for auditors only.
@Suite("FHIR AuditEvent export")
struct FHIRExportTests {
    static let script = Paths.repository.appendingPathComponent("Tests/interop/check_fhir.py").path

    struct Checked: Decodable {
        struct Event: Decodable {
            let kind: String
            let type: String
            let outcome: String
            let outcomeDesc: String?
            let purpose: [String]
            let agents: [String?]
            let patients: [String]
            let details: [String: String]
        }

        let type: String
        let events: [Event]
    }

    @Test("a child's disclosures, receipts and refusals are a valid FHIR Bundle of AuditEvents, each with its log index and bytes")
    func subjectExportIsValidFHIR() async throws {
        try await withBroker { broker in
            try await AuditorWorkspaceTests.shareAndRefuse(on: broker)

            let answer = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/fhir?nhsNumber=9990001006")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type") == "application/fhir+json")
            #expect(!String(decoding: answer.body, as: UTF8.self).contains("oven door"), "never the payload")
            let checked = try await Subprocess.run("python3", [Self.script], input: answer.body)
            #expect(checked.status == 0, "\(checked.text) \(checked.stderr)")
            let bundle = try JSONDecoder().decode(Checked.self, from: checked.stdout)
            #expect(bundle.type == "collection")
            #expect(bundle.events.map(\.kind) == ["published", "routed", "refused", "delivered", "acknowledged"])
            let published = try #require(bundle.events.first)
            #expect(published.purpose == ["Safeguarding referral"])
            #expect(published.agents == ["Northshire Hospitals NHS Foundation Trust", "A. Midwife"])
            #expect(published.patients == ["9990001006"])
            #expect(published.details["lawfulBasis"] == "Public task (Article 6(1)(e))")
            #expect(published.details["auditIndex"] != nil && published.details["leaf"] != nil, "each event can be proved in the log")
            let refusal = try #require(bundle.events.first { $0.kind == "refused" })
            #expect(refusal.outcome == "4")
            #expect(refusal.outcomeDesc == "Refused: an addressee's kind may not receive this type")
            #expect(refusal.agents == ["Northshire Hospitals NHS Foundation Trust", "Oakfield Primary School"])
            #expect(bundle.events.first { $0.kind == "acknowledged" }?.type == "110107", "a receipt is an import")

            let recorded = try await broker.auditGet("/v1/audit/entries?kind=audit-queried") as AuditEntries
            #expect(recorded.entries.contains { $0.event.query?.hasPrefix("fhir-export subjects=") == true }, "the export is recorded")
            let other = try await broker.client(as: "northshire-csc").send("GET", "/v1/audit/fhir?nhsNumber=9990001006")
            #expect(other.status == 403)
            let unnamed = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/fhir")
            #expect(unnamed.status == 400)
        }
    }
}
