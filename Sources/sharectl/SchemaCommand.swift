import ArgumentParser
import Foundation
import ShareCatalogue
import ShareModel
import ShareSchema

struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Work with the message catalogue's JSON Schemas, offline.",
        subcommands: [SchemaValidate.self])
}

/// `sharectl schema validate`: the broker's own validator, on files, with no broker.
struct SchemaValidate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate JSON files against a schema or a catalogue message type.",
        discussion: """
            Uses the same JSON Schema 2020-12 validator as the broker. A schema's $refs resolve
            against the catalogue folder. Each error is printed with the JSON Pointer of the
            failing place, a sentence, and the schema rule it breaks.
            Exit status: 0 every instance is valid, 1 any is invalid, 2 a usage error or a schema
            that is invalid or uses something the validator does not support.
            """)

    /// The exit status for a usage error or an unusable schema.
    static let usageFailure = ExitCode(2)

    @Option(help: "A schema file (JSON Schema 2020-12).") var schema: String?
    @Option(help: "A catalogue message type, such as unborn-baby-referral/1.") var type: String?
    @Option(help: "The catalogue folder (default: $SHAREBROKER_SCHEMAS, else ./Schemas).") var catalogue: String?
    @Argument(help: "The JSON files to validate.") var instances: [String] = []

    func run() async throws {
        let validator = try loadValidator()
        var invalid = 0
        for path in instances {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw usage("cannot read \(path).")
            }
            guard let instance = try? JSONValue(parsing: data) else {
                print("\(path): invalid: the file is not JSON")
                invalid += 1
                continue
            }
            let errors = validator.validate(instance)
            if errors.isEmpty {
                print("\(path): valid")
                continue
            }
            invalid += 1
            print("\(path): invalid: \(errors.count) error\(errors.count == 1 ? "" : "s")")
            for error in errors {
                let pointer = error.pointer.description.isEmpty ? "(the whole document)" : error.pointer.description
                print("  \(pointer): \(error.message)  [\(error.absoluteKeywordLocation)]")
            }
        }
        if invalid > 0 { throw ExitCode.failure }
    }

    private func loadValidator() throws -> SchemaValidator {
        guard (schema == nil) != (type == nil) else { throw usage("give exactly one of --schema FILE and --type NAME/N.") }
        guard !instances.isEmpty else { throw usage("name at least one JSON file to validate.") }
        let folder = catalogue ?? ProcessInfo.processInfo.environment["SHAREBROKER_SCHEMAS"] ?? "Schemas"
        let messages: MessageCatalogue
        do {
            messages = try MessageCatalogue.load(directory: URL(fileURLWithPath: folder, isDirectory: true))
        } catch {
            throw usage("the catalogue: \(error.description)")
        }
        if let type {
            guard let messageType = MessageType(type), let validator = messages.schemas.validator(for: MessageCatalogue.schemaID(for: messageType)) else {
                let known = messages.messageTypes.map(\.description).joined(separator: ", ")
                throw usage("'\(type)' is not a message type in \(folder); it has \(known).")
            }
            return validator
        }
        return try schemaFileValidator(schema ?? "", catalogue: messages)
    }

    /// Compiles the schema file with the catalogue (replacing a catalogue document of the same `$id`).
    private func schemaFileValidator(_ path: String, catalogue: MessageCatalogue) throws -> SchemaValidator {
        guard let data = FileManager.default.contents(atPath: path) else { throw usage("cannot read the schema \(path).") }
        guard let json = try? JSONValue(parsing: data) else { throw usage("the schema \(path) is not JSON.") }
        let id = json["$id"]?.stringValue ?? URL(fileURLWithPath: path).standardizedFileURL.absoluteString
        var documents = catalogue.entries.filter { $0.id != id }.compactMap { entry in
            (try? JSONValue(parsing: entry.bytes)).map { SchemaDocument(json: $0, retrievalURI: entry.id) }
        }
        documents.append(SchemaDocument(json: json, retrievalURI: id))
        do {
            guard let validator = try SchemaCatalogue(documents).validator(for: id) else {
                throw usage("the schema \(path) cannot be found by its $id \(id).")
            }
            return validator
        } catch let error as SchemaLoadError {
            throw usage("the schema \(error.documentID) at \(error.location.isEmpty ? "the root" : error.location): \(error.message)")
        }
    }

    private func usage(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("sharectl schema validate: \(message)\n".utf8))
        return Self.usageFailure
    }
}
