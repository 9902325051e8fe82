import Foundation
import ShareModel
import ShareSchema

/// The official JSON Schema Test Suite (https://github.com/json-schema-org/JSON-Schema-Test-Suite),
/// read where it sits beside this repository, in `../shared/jsonschema-test-suite`, and not copied
/// here. It is © 2012 Julian Berman, under the MIT licence in its `LICENSE` file.
///
/// Each file holds cases `{description, schema, tests: [{description, data, valid}]}`. The files
/// are read with the broker's own JSON reader, so that member names are kept code point for
/// code point as the suite means them.
enum OfficialSuite {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/jsonschema-test-suite")

    /// The base of the remote documents the suite's `$ref`s name; `remotes/` is served there.
    static let remoteBase = "http://localhost:1234/"

    struct Case {
        let description: String
        let schema: JSONValue
        let tests: [Test]
    }

    struct Test {
        let description: String
        let data: JSONValue
        let valid: Bool
    }

    /// Paths, relative to the suite's root, of `tests/draft2020-12/*.json` and every JSON file
    /// under `tests/draft2020-12/optional`, sorted; empty if the suite is missing.
    static let files: [String] = {
        let tests = root.appendingPathComponent("tests/draft2020-12").path
        let found = FileManager.default.enumerator(atPath: tests)?.compactMap { $0 as? String } ?? []
        return found.filter { $0.hasSuffix(".json") && (!$0.contains("/") || $0.hasPrefix("optional/")) }
            .map { "tests/draft2020-12/" + $0 }.sorted()
    }()

    static func cases(in file: String) throws -> [Case] {
        guard case .array(let items) = try read(file) else { throw SuiteError("\(file) is not an array of cases") }
        return try items.map { item in
            guard case .string(let description)? = item["description"], let schema = item["schema"],
                  case .array(let tests)? = item["tests"] else { throw SuiteError("\(file) holds a malformed case") }
            return Case(description: description, schema: schema, tests: try tests.map { test in
                guard case .string(let description)? = test["description"], let data = test["data"],
                      case .bool(let valid)? = test["valid"] else { throw SuiteError("\(file): a malformed test in \(description)") }
                return Test(description: description, data: data, valid: valid)
            })
        }
    }

    /// The documents of `remotes/`, each retrieved from its `http://localhost:1234/` address,
    /// less those the catalogue refuses (other drafts' dialects, unsupported keywords): a case
    /// that needs one of those fails to load, and is listed in `OfficialSuiteSkips`.
    static let remotes: [SchemaDocument] = {
        let folder = root.appendingPathComponent("remotes").path
        let paths = (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        var documents = paths.compactMap { path in
            (try? read("remotes/" + path)).map { SchemaDocument(json: $0, retrievalURI: remoteBase + path) }
        }
        while !documents.isEmpty {
            do throws(SchemaLoadError) {
                _ = try SchemaCatalogue(documents)
                break
            } catch {
                let refused = documents.firstIndex { document in
                    document.retrievalURI == error.documentID || document.json["$id"]?.stringValue == error.documentID
                }
                guard let refused else { return [] }
                documents.remove(at: refused)
            }
        }
        return documents
    }()

    private static func read(_ path: String) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: root.appendingPathComponent(path)))
    }
}

/// The suite itself is missing or malformed.
struct SuiteError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
