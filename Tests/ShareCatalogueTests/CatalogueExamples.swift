import Foundation
import ShareCatalogue
import ShareModel
import ShareTesting

/// One example file of Schemas/examples/ and what it must produce.
struct CatalogueExample: CustomStringConvertible, Sendable {
    /// An error as the annotations and Python's jsonschema name it.
    struct ExpectedError: Codable, Hashable, Comparable, Sendable {
        let instanceLocation: String
        let keyword: String

        static func < (left: Self, right: Self) -> Bool {
            (left.instanceLocation, left.keyword) < (right.instanceLocation, right.keyword)
        }
    }

    /// `examples/<folder>/<file>`, as Python's report keys it.
    let relativePath: String
    let file: URL
    /// The `$id` of the schema the example is checked against.
    let schemaID: String
    /// Nil for a valid example; otherwise exactly the errors it must produce.
    let expectedErrors: [ExpectedError]?

    var description: String { relativePath }

    /// Every example in the catalogue, with its annotations.
    static func all() throws -> [CatalogueExample] {
        let manager = FileManager.default
        var examples: [CatalogueExample] = []
        for folder in try manager.contentsOfDirectory(atPath: RepositoryPaths.examples.path).sorted() {
            let directory = RepositoryPaths.examples.appendingPathComponent(folder)
            let annotations = try JSONDecoder().decode(
                [String: Annotation].self,
                from: Data(contentsOf: directory.appendingPathComponent("expected-errors.json")))
            for name in try manager.contentsOfDirectory(atPath: directory.path).sorted()
            where name.hasPrefix("valid-") || name.hasPrefix("invalid-") {
                let expected = name.hasPrefix("invalid-") ? annotations[name]?.errors.sorted() ?? [] : nil
                examples.append(CatalogueExample(
                    relativePath: "examples/\(folder)/\(name)", file: directory.appendingPathComponent(name),
                    schemaID: schemaID(folder: folder), expectedErrors: expected))
            }
        }
        return examples
    }

    /// `envelope` is checked against the envelope schema, `<name>-<n>` against that type's.
    static func schemaID(folder: String) -> String {
        guard let dash = folder.lastIndex(of: "-"),
              let type = MessageType(folder[..<dash] + "/" + folder[folder.index(after: dash)...]) else {
            return MessageCatalogue.envelopeID
        }
        return MessageCatalogue.schemaID(for: type)
    }

    func instance() throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: file))
    }

    private struct Annotation: Decodable {
        let why: String
        let errors: [ExpectedError]
    }
}

/// The repository's catalogue, compiled once for all tests.
let repositoryCatalogue: MessageCatalogue = {
    do {
        return try MessageCatalogue.load(directory: RepositoryPaths.schemas)
    } catch {
        fatalError("The repository's catalogue does not load: \(error)")
    }
}()
