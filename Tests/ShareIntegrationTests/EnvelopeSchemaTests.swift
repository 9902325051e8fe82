import Foundation
import ShareClient
import ShareTesting
import Testing

/// Schemas/envelope.schema.json is the contract other agencies build against; Python's
/// jsonschema must agree with the broker on what is a valid envelope.
@Suite("Envelope schema agrees with the broker")
struct EnvelopeSchemaTests {
    static let validator = Paths.repository.appendingPathComponent("Tests/interop/check_catalogue.py").path

    static func disclosure(_ edit: (inout [String: Any]) -> Void) -> [String: Any] {
        var disclosure = EnvelopeBuilder().fields["disclosure"] as! [String: Any]
        edit(&disclosure)
        return disclosure
    }

    static func cases() -> [(String, EnvelopeBuilder)] { [
        ("valid referral", EnvelopeBuilder()),
        ("valid without optional fields", EnvelopeBuilder().with("expiresAt", nil)),
        ("consent given without reason", EnvelopeBuilder().with("disclosure", disclosure { $0["consent"] = ["status": "given"] })),
        ("missing sentAt", EnvelopeBuilder().with("sentAt", nil)),
        ("id not a UUID", EnvelopeBuilder().with("id", "referral-42")),
        ("type without version", EnvelopeBuilder().with("type", "unborn-baby-referral")),
        ("bad area", EnvelopeBuilder().with("area", "Northshire")),
        ("empty subject", EnvelopeBuilder().with("subject", [String: Any]())),
        ("unknown field", EnvelopeBuilder().with("colour", "blue")),
        ("not-sought without reason", EnvelopeBuilder().with("disclosure", disclosure { $0["consent"] = ["status": "not-sought"] })),
        ("unknown consent status", EnvelopeBuilder().with("disclosure", disclosure { $0["consent"] = ["status": "maybe"] })),
        ("decidedBy without role", EnvelopeBuilder().with("disclosure", disclosure { $0["decidedBy"] = ["name": "A. Midwife"] })),
        ("blank rationale", EnvelopeBuilder().with("disclosure", disclosure { $0["rationale"] = "  " })),
        ("payload not an object", EnvelopeBuilder().with("payload", "text")),
        ("sentAt not a date-time", EnvelopeBuilder().with("sentAt", "2026-11-22 09:31")),
    ] }

    @Test("jsonschema and the broker give the same verdict on each envelope", arguments: cases().map(\.0))
    func sameVerdict(name: String) async throws {
        let envelope = try #require(Self.cases().first { $0.0 == name }?.1)
        try await withBroker { broker in
            let file = broker.folder.appendingPathComponent("instance.json")
            try envelope.data.write(to: file)
            let python = try await Subprocess.run("python3", [
                Self.validator, "validate", "--catalogue", RepositoryPaths.schemas.path, "--schema", "envelope.schema.json", file.path,
            ])
            #expect(python.status == 0 || python.status == 1, "validator failed: \(python.stderr)")
            let broker = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            #expect((python.status == 0) == (broker.status == 201),
                    "jsonschema says \(python.text.trimmingCharacters(in: .whitespacesAndNewlines)); the broker answered \(broker.status)")
        }
    }
}
