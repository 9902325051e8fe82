import Foundation
import ShareClient
import ShareModel
import ShareServer
import ShareTesting
import Testing

/// The broker enforces the catalogue at the door: every example in Schemas/examples/ is
/// accepted or refused as annotated, and the catalogue is served to integrators.
@Suite("Schema enforcement")
struct SchemaEnforcementTests {
    /// An example of the catalogue, as the integration tests need it.
    struct Example {
        let path: String
        let data: Data
        let sender: String
        let sentAt: Date
        /// Nil for a valid example; the annotated instance locations otherwise.
        let expectedLocations: [String]?
    }

    /// Every example an agency can post: all but the broker's own notices (sender `sharebroker`),
    /// which the broker's tests of expiry and deadlines check as it produces them.
    static func examples() throws -> [Example] {
        var examples: [Example] = []
        let folders = try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.examples.path).sorted()
        for folder in folders where folder != "envelope" {
            let directory = RepositoryPaths.examples.appendingPathComponent(folder)
            let annotations = try JSONSerialization.jsonObject(
                with: Data(contentsOf: directory.appendingPathComponent("expected-errors.json"))) as? [String: [String: Any]] ?? [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            where name.hasPrefix("valid-") || name.hasPrefix("invalid-") {
                let data = try Data(contentsOf: directory.appendingPathComponent(name))
                let envelope = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                guard envelope["sender"] as? String != "sharebroker" else { continue }
                let errors = annotations[name]?["errors"] as? [[String: String]] ?? []
                examples.append(Example(
                    path: "\(folder)/\(name)", data: data, sender: try #require(envelope["sender"] as? String),
                    sentAt: try #require((envelope["sentAt"] as? String).flatMap(Timestamp.parse)),
                    expectedLocations: name.hasPrefix("invalid-") ? errors.compactMap { $0["instanceLocation"] } : nil))
            }
        }
        return examples
    }

    // Valid examples are accepted by the broker; invalid ones get a 422 listing the annotated places.
    @Test("every catalogue example is accepted or refused as annotated")
    func examplesThroughTheBroker() async throws {
        let examples = try Self.examples()
        try #require(examples.count >= 50)
        let earliest = try #require(examples.map(\.sentAt).min())
        try await withBroker(clock: TestClock(earliest)) { broker in
            for example in examples {
                let jws = try broker.signer(for: example.sender).sign(envelope: example.data)
                let answer = try await broker.postJWS(jws, as: example.sender)
                guard let expected = example.expectedLocations else {
                    #expect(answer.status == 201, "\(example.path): \(String(decoding: answer.body, as: UTF8.self))")
                    continue
                }
                #expect(answer.status == 422, "\(example.path)")
                let problem = try #require(answer.problem, "\(example.path)")
                #expect(problem.type == "urn:sharebroker:problem:invalid-envelope", "\(example.path)")
                let pointers = problem.errors?.map(\.pointer) ?? []
                for location in expected {
                    #expect(pointers.contains { $0 == location || $0.hasPrefix(location + "/") },
                            "\(example.path): expected a problem at \(location), got \(pointers)")
                }
            }
        }
    }

    // A type not in the catalogue is refused, naming /type, and nothing is stored.
    @Test("an unknown message type is refused with 422")
    func unknownType() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder().with("type", "pre-birth-referral/7")
            let answer = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            #expect(answer.status == 422)
            #expect(answer.problem?.type == "urn:sharebroker:problem:unknown-message-type")
            #expect(answer.problem?.errors?.contains { $0.pointer == "/type" } == true)
            let status = try await broker.client(as: "northshire-hospitals").send("GET", "/v1/messages/\(envelope.id)/status")
            #expect(status.status == 404)
        }
    }

    // Every schema error is listed, each with its pointer and the schema rule it breaks.
    @Test("a 422 lists every error with its pointer and schema rule")
    func everyErrorListed() async throws {
        try await withBroker { broker in
            var subject = EnvelopeBuilder().fields["subject"] as! [String: Any]
            var mother = subject["mother"] as! [String: Any]
            mother["nhsNumber"] = "9990001234"
            subject["mother"] = mother
            let envelope = EnvelopeBuilder().with("subject", subject).with("area", "Northshire")
            let answer = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            #expect(answer.status == 422)
            let problems = answer.problem?.errors ?? []
            #expect(Set(problems.map(\.pointer)) == ["/area", "/subject/mother/nhsNumber"])
            let nhs = try #require(problems.first { $0.pointer == "/subject/mother/nhsNumber" })
            #expect(nhs.message.contains("NHS number"))
            #expect(nhs.schemaLocation?.hasSuffix("/format") == true)
        }
    }

    // Integrators fetch the catalogue from the broker they send to, byte for byte as in Schemas/.
    @Test("GET /v1/schemas lists the catalogue and serves each schema with curl")
    func servesCatalogue() async throws {
        try await withBroker { broker in
            let list = try await broker.curl("/v1/schemas", as: "oakfield-primary")
            #expect(list.status == 200)
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(list.body.utf8)) as? [String: Any])
            let schemas = try #require(answer["schemas"] as? [[String: Any]])
            let types = schemas.compactMap { $0["messageType"] as? String }
            #expect(types.contains("unborn-baby-referral/1") && types.count >= 10)
            #expect(schemas.contains { $0["href"] as? String == "/v1/schemas/envelope" })

            let referral = try await broker.curl("/v1/schemas/unborn-baby-referral/1", as: "oakfield-primary", ["-D", "-"])
            #expect(referral.status == 200)
            #expect(referral.body.lowercased().contains("content-type: application/schema+json"))
            let file = try String(contentsOf: RepositoryPaths.schemas.appendingPathComponent("unborn-baby-referral-1.schema.json"), encoding: .utf8)
            #expect(referral.body.hasSuffix(file))

            let envelope = try await broker.curl("/v1/schemas/envelope", as: "oakfield-primary")
            #expect(envelope.status == 200 && envelope.body.contains("urn:sharebroker:schema:envelope"))
            let missing = try await broker.curl("/v1/schemas/no-such-type/1", as: "oakfield-primary")
            #expect(missing.status == 404 && missing.body.contains("GET /v1/schemas"))
        }
    }

    // A broker pointed at a catalogue it cannot load refuses to start and says why.
    @Test("a broken catalogue stops the broker from starting")
    func brokenCatalogueRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"$id": "urn:sharebroker:schema:envelope", "type": "object", "unevaluatedProperties": false}"#.utf8)
            .write(to: folder.appendingPathComponent("envelope.schema.json"))
        let broker = try TestBroker(configure: { $0["schemas"] = folder.path })
        defer { try? FileManager.default.removeItem(at: broker.folder) }
        #expect {
            try ServerSettings.load(from: broker.configurationFile)
        } throws: { error in
            let text = "\(error)"
            return text.contains("/schemas") && text.contains("envelope.schema.json") && text.contains("unevaluatedProperties")
        }
    }
}
