import Foundation
import ShareTesting
import Testing

/// `sharectl schema validate`: the broker's validator on files, with the documented exit statuses.
@Suite("sharectl schema validate")
struct SchemaCommandTests {
    static let examples = RepositoryPaths.examples

    func sharectl(_ arguments: [String]) async throws -> Subprocess.Result {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        return try await Subprocess.run(sharectl, ["schema", "validate", "--catalogue", RepositoryPaths.schemas.path] + arguments)
    }

    /// The first example file in a catalogue examples folder whose name starts with `prefix`.
    func example(_ folder: String, _ prefix: String) throws -> String {
        let directory = Self.examples.appendingPathComponent(folder)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().first { $0.hasPrefix(prefix) })
        return directory.appendingPathComponent(name).path
    }

    func temporaryFile(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url
    }

    // Valid instances: exit 0 and each named as valid.
    @Test("valid instances exit 0")
    func valid() async throws {
        let files = [try example("mash-enquiry-1", "valid-"), try example("was-not-brought-1", "valid-")]
        let result = try await sharectl(["--type", "mash-enquiry/1", files[0]])
        #expect(result.status == 0, "\(result.text) \(result.stderr)")
        #expect(result.text.contains("\(files[0]): valid"))
        let other = try await sharectl(["--type", "was-not-brought/1", files[1]])
        #expect(other.status == 0, "\(other.text) \(other.stderr)")
    }

    // Any invalid instance: exit 1, each error printed with its pointer and rule.
    @Test("an invalid instance exits 1 and prints each error with its pointer")
    func invalid() async throws {
        let good = try example("unborn-baby-referral-1", "valid-")
        let bad = try example("unborn-baby-referral-1", "invalid-")
        let annotations = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.examples
            .appendingPathComponent("unborn-baby-referral-1/expected-errors.json"))) as? [String: [String: Any]]
        let expected = try #require(annotations?[URL(fileURLWithPath: bad).lastPathComponent]?["errors"] as? [[String: String]])
        let result = try await sharectl(["--type", "unborn-baby-referral/1", good, bad])
        #expect(result.status == 1)
        #expect(result.text.contains("\(good): valid"))
        #expect(result.text.contains("\(bad): invalid"))
        for error in expected {
            #expect(result.text.contains("  \(error["instanceLocation"] ?? "?")"), "\(result.text)")
        }
        #expect(result.text.contains("[urn:sharebroker:schema:"))
    }

    // A schema file's $refs resolve against the catalogue folder.
    @Test("--schema resolves $refs against the catalogue")
    func schemaFile() async throws {
        let schema = try temporaryFile("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:example:child-list",
             "type": "array", "items": {"$ref": "urn:sharebroker:schema:common#/$defs/nhsNumber"}}
            """)
        let good = try temporaryFile(#"["9990001235"]"#)
        let bad = try temporaryFile(#"["9990001234"]"#)
        defer { [schema, good, bad].forEach { try? FileManager.default.removeItem(at: $0) } }
        let result = try await sharectl(["--schema", schema.path, good.path, bad.path])
        #expect(result.status == 1, "\(result.text) \(result.stderr)")
        #expect(result.text.contains("\(good.path): valid"))
        #expect(result.text.contains("  /0: "))
    }

    // Usage errors and unusable schemas exit 2 with a message on standard error.
    @Test("usage errors and unsupported schemas exit 2")
    func usageErrors() async throws {
        let instance = try example("mash-enquiry-1", "valid-")
        let unsupported = try temporaryFile(#"{"$id": "urn:example:x", "type": "array", "contains": {"type": "string"}}"#)
        defer { try? FileManager.default.removeItem(at: unsupported) }
        let cases: [([String], String)] = [
            (["--type", "no-such-type/1", instance], "no-such-type/1"),
            (["--schema", unsupported.path, instance], "contains"),
            (["--type", "mash-enquiry/1"], "at least one"),
            (["--type", "mash-enquiry/1", "/no/such/file.json"], "/no/such/file.json"),
            (["--type", "mash-enquiry/1", "--schema", unsupported.path, instance], "exactly one"),
            (["--colour", "blue", instance], "colour"),
        ]
        for (arguments, mention) in cases {
            let result = try await sharectl(arguments)
            #expect(result.status == 2, "\(arguments): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(mention), "\(arguments): \(result.stderr)")
        }
    }
}
