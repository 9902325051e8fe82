import Foundation
import ShareClient
import ShareHTTP
import ShareModel
import ShareStore
import ShareTesting
import Testing

/// The OpenAPI document (Schemas/sharebroker.openapi.json) checked by tools nobody here wrote:
/// openapi-spec-validator reads it, and schemathesis tests a live broker against it over
/// mutual TLS (README "The OpenAPI document").
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    static let document = RepositoryPaths.schemas.appendingPathComponent(APIDocument.fileName)

    @Test("openapi-spec-validator accepts the document, with its $refs to the catalogue")
    func validates() async throws {
        let result = try await Subprocess.run("python3", ["-m", "openapi_spec_validator", Self.document.path])
        #expect(result.status == 0, "\(result.text)\(result.stderr)")
    }

    @Test("GET /v1/openapi.json serves the repository's document byte for byte, to any agency")
    func served() async throws {
        try await withBroker { broker in
            let answer = try await broker.client(as: "oakfield-primary").send("GET", "/v1/openapi.json")
            #expect(answer.status == 200)
            #expect(answer.header("Content-Type") == "application/json")
            #expect(answer.body == (try Data(contentsOf: Self.document)))
        }
    }

    @Test("a catalogue folder without the document: the broker starts, warns, and /v1/openapi.json is a 404 saying why")
    func missingDocument() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.schemas.path) where name.hasSuffix(".schema.json") {
            try FileManager.default.copyItem(at: RepositoryPaths.schemas.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        try await withBroker(configure: { $0["schemas"] = folder.path }) { broker in
            let answer = try await broker.client(as: "oakfield-primary").send("GET", "/v1/openapi.json")
            #expect(answer.status == 404)
            #expect(answer.problem?.code == "not-found" && answer.problem?.detail.contains(APIDocument.fileName) == true)
            #expect(broker.logs.text.contains("No OpenAPI document in the catalogue folder"))
        }
    }

    // Every operation as children's social care and the audit routes as the auditor (who alone
    // gets their answers; no link leads among them, so no stateful phase), 100 examples each,
    // then every operation briefly as each other agency, one run at a time. The broker is a
    // `sharebroker demo` process of its own, so that its minutes of answering take none of this
    // test process's threads, and it and schemathesis run at the lowest CPU priority, so that
    // they take no time the other tests need. The stream is left out: its answer does not end,
    // so schemathesis could only time it out.
    @Test("schemathesis as each agency: no 5xx, and every status, header and body as the document says")
    func schemathesis() async throws {
        let folder = try TestBroker(configure: Self.quickInbox).folder
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(DemoProcess.arguments(dataDirectory: folder),
                                               yielding: true)
        defer { demo.process.stopFromTest() }
        let run = SchemathesisRun(folder: folder, url: "https://127.0.0.1:\(demo.port)")
        try await run.as("northshire-csc", examples: 100)
        try await run.as("northshire-audit", examples: 100, ["--include-path-regex", "^/v1/audit/", "--phases", "examples,coverage,fuzzing"])
        for agency in try Self.agencies(in: folder) where agency != "northshire-csc" {
            try await run.as(agency, examples: 5, ["--phases", "examples,fuzzing"])
        }
        #expect(try await demo.stop(), "the demo stops on SIGINT")
    }

    /// Long polls answer at once (`wait` over 0 is a documented 400), so that a run takes minutes.
    static func quickInbox(_ configuration: inout [String: Any]) {
        var limits = configuration["limits"] as? [String: Any] ?? [:]
        limits["maxWaitSeconds"] = 0
        configuration["limits"] = limits
    }

    @Test("every kind the broker records is listed wherever the document names a kind, and is accepted as a filter")
    func everyKindListed() async throws {
        let recorded = EventRecord.Kind.all.map(\.rawValue)
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.document))
        let lists = Self.kindLists(in: document, at: "")
        #expect(lists.count >= 3, "the entry's kind and the two audit routes' kind filters: \(lists.map(\.pointer))")
        for (pointer, listed) in lists {
            #expect(Set(listed) == Set(recorded), "\(pointer): missing \(Set(recorded).subtracting(listed).sorted()), extra \(Set(listed).subtracting(recorded).sorted())")
        }
        try await withBroker { broker in
            let auditor = try broker.client(as: "northshire-audit")
            for kind in recorded {
                #expect(try await auditor.send("GET", "/v1/audit/entries?kind=\(kind)").status == 200, "kind=\(kind)")
            }
        }
    }

    /// Every `enum` that lists kinds of entry: a `kind` property's or a `kind` parameter's, with its JSON Pointer.
    static func kindLists(in value: Any, at pointer: String) -> [(pointer: String, kinds: [String])] {
        if let array = value as? [Any] {
            return array.enumerated().flatMap { kindLists(in: $1, at: "\(pointer)/\($0)") }
        }
        guard let object = value as? [String: Any] else { return [] }
        var found: [(pointer: String, kinds: [String])] = []
        if object["name"] as? String == "kind", let schema = object["schema"] as? [String: Any], let kinds = schema["enum"] as? [String] {
            found.append((pointer, kinds))
        }
        if let kind = object["kind"] as? [String: Any], let kinds = kind["enum"] as? [String], kinds.contains("published") {
            found.append(("\(pointer)/kind", kinds))
        }
        for (key, member) in object.sorted(by: { $0.key < $1.key }) {
            found += kindLists(in: member, at: "\(pointer)/\(key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1"))")
        }
        return found
    }

    static func agencies(in folder: URL) throws -> [String] {
        let file = folder.appendingPathComponent("sharebroker.json")
        let configuration = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        return (configuration?["agencies"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }
}

/// schemathesis against a demo broker's folder and address.
struct SchemathesisRun {
    let folder: URL
    let url: String

    /// Runs it with `agency`'s certificate; fails with its report unless it exits 0.
    func `as`(_ agency: String, examples: Int, _ extra: [String] = []) async throws {
        let pki = folder.appendingPathComponent("pki")
        let checks = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
                      "response_headers_conformance", "response_schema_conformance"]
        let phases = extra.contains("--phases") ? [] : ["--phases", "examples,coverage,fuzzing,stateful"]
        let result = try await Subprocess.run("nice", [
            "-n", "19", "python3", "-m", "schemathesis.cli", "run", OpenAPIContractTests.document.path, "--url", url,
            "--tls-verify", pki.appendingPathComponent("ca.crt").path,
            "--request-cert", pki.appendingPathComponent("\(agency).crt").path,
            "--request-cert-key", pki.appendingPathComponent("\(agency).key").path,
            "--checks", checks.joined(separator: ","), "--max-examples", "\(examples)", "--seed", "1",
            "--exclude-path", "/v1/stream", "--request-timeout", "30",
        ] + phases + extra, environment: [
            "PYTHONPATH": RepositoryPaths.root.appendingPathComponent("Tests/interop").path,
            "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        ], directory: folder.path)
        #expect(result.status == 0, "schemathesis as \(agency) exited \(result.status):\n\(result.text)\n\(result.stderr)")
    }
}
