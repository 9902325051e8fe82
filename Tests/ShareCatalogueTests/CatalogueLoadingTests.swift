import Foundation
import ShareCatalogue
import ShareModel
import ShareTesting
import Testing

/// A broker must not start with a catalogue it cannot enforce; the error names the file and place.
@Suite("Loading the catalogue")
struct CatalogueLoadingTests {
    /// The repository's schema files, with `edit` applied to the list.
    static func files(_ edit: (inout [(name: String, bytes: Data)]) -> Void) throws -> [(name: String, bytes: Data)] {
        var files = try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.schemas.path)
            .filter { $0.hasSuffix(MessageCatalogue.fileSuffix) }
            .map { (name: $0, bytes: try Data(contentsOf: RepositoryPaths.schemas.appendingPathComponent($0))) }
        edit(&files)
        return files
    }

    static func loadingError(_ files: [(name: String, bytes: Data)]) -> String? {
        do {
            _ = try MessageCatalogue(files: files)
            return nil
        } catch {
            return error.description
        }
    }

    // The repository's own catalogue loads, with the envelope, the shared definitions and ten types.
    @Test("the repository catalogue loads")
    func loads() throws {
        let catalogue = try MessageCatalogue.load(directory: RepositoryPaths.schemas)
        #expect(catalogue.entry(named: "envelope")?.id == MessageCatalogue.envelopeID)
        let types = Set(catalogue.messageTypes.map(\.description))
        #expect(types.isSuperset(of: [
            "unborn-baby-referral/1", "relevant-history/1", "mash-enquiry/1", "mash-enquiry-response/1",
            "domestic-abuse-notification/1", "unscheduled-care-attendance/1", "was-not-brought/1",
            "strategy-discussion-invitation/1", "strategy-discussion-outcome/1", "serious-incident-notification/1",
        ]))
    }

    // A keyword the validator does not support fails loading, naming the file, the place and the keyword.
    @Test("an unsupported keyword is refused with its file and pointer")
    func unsupportedKeyword() throws {
        let schema = #"{"$id": "urn:sharebroker:schema:tags:1", "type": "object", "properties": {"tags": {"type": "array", "contains": {"const": "x"}}}}"#
        let message = try #require(Self.loadingError(try Self.files { $0.append(("tags-1.schema.json", Data(schema.utf8))) }))
        #expect(message.contains("tags-1.schema.json"))
        #expect(message.contains("/properties/tags"))
        #expect(message.contains("contains"))
    }

    // Without the envelope schema there is nothing to check an unknown type against.
    @Test("a catalogue without the envelope schema is refused")
    func missingEnvelope() throws {
        let message = try #require(Self.loadingError(try Self.files { files in
            files.removeAll { $0.name == "envelope.schema.json" }
            let dangling = #"{"$id": "urn:sharebroker:schema:note:1", "type": "object"}"#
            files.append(("note-1.schema.json", Data(dangling.utf8)))
        }))
        #expect(message.contains("envelope") || message.contains("urn:sharebroker:schema:envelope"))
    }

    // Two files claiming one $id would make $refs ambiguous.
    @Test("two files with the same $id are refused")
    func duplicateID() throws {
        let message = try #require(Self.loadingError(try Self.files { files in
            let envelope = files.first { $0.name == "envelope.schema.json" }!
            files.append(("envelope-copy.schema.json", envelope.bytes))
        }))
        #expect(message.contains("envelope-copy.schema.json") && message.contains("same $id"))
    }

    // A file that is not JSON is named.
    @Test("a file that is not JSON is named")
    func notJSON() throws {
        let message = try #require(Self.loadingError(try Self.files { $0.append(("broken.schema.json", Data("{".utf8))) }))
        #expect(message.contains("broken.schema.json") && message.contains("not valid JSON"))
    }

    // A folder with no schemas is a configuration mistake, reported as such.
    @Test("an empty folder is refused")
    func emptyFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: CatalogueError.self) { try MessageCatalogue.load(directory: folder) }
    }
}
