import Foundation
import ShareModel
import ShareSchema

/// schema-bench [CATALOGUE_DIR] [--instance FILE --schema-id ID] [--iterations N]
///
/// Loads every *.schema.json of the catalogue directory (default "Schemas") plus a built-in
/// synthetic schema, then validates one instance N times (default 200,000) on this thread and
/// prints validations per second, then reads the instance's JSON N times and prints the
/// time per parse. Without --instance, a ~4 KiB synthetic instance is validated against the
/// built-in schema.
struct Options {
    var directory = "Schemas"
    var instancePath: String?
    var schemaID: String?
    var iterations = 200_000

    init(_ arguments: [String]) throws {
        var rest = arguments.dropFirst()[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--instance": instancePath = try Self.value(after: argument, &rest)
            case "--schema-id": schemaID = try Self.value(after: argument, &rest)
            case "--iterations":
                guard let count = Int(try Self.value(after: argument, &rest)), count > 0 else { throw BenchError("--iterations needs a positive number") }
                iterations = count
            default: directory = argument
            }
        }
    }

    private static func value(after option: String, _ rest: inout ArraySlice<String>) throws -> String {
        guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func loadDocuments(in directory: String) throws -> [SchemaDocument] {
    let url = URL(fileURLWithPath: directory, isDirectory: true)
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
        print("note: no catalogue directory at \(directory); using only the built-in schema")
        return []
    }
    return try names.filter { $0.hasSuffix(".schema.json") }.sorted().map { name in
        let fileURL = url.appendingPathComponent(name)
        return SchemaDocument(json: try JSONValue(parsing: Data(contentsOf: fileURL)), retrievalURI: fileURL.absoluteString)
    }
}

func run() throws {
    let options = try Options(CommandLine.arguments)
    var documents = try loadDocuments(in: options.directory)
    documents.append(SchemaDocument(json: try JSONValue(parsing: Data(Synthetic.schema.utf8)), retrievalURI: Synthetic.schemaID))
    let catalogue = try SchemaCatalogue(documents)

    let instanceData: Data
    let schemaID: String
    if let path = options.instancePath {
        guard let id = options.schemaID else { throw BenchError("--instance needs --schema-id") }
        instanceData = try Data(contentsOf: URL(fileURLWithPath: path))
        schemaID = id
    } else {
        instanceData = Data(Synthetic.instance().utf8)
        schemaID = options.schemaID ?? Synthetic.schemaID
    }
    guard let validator = catalogue.validator(for: schemaID) else {
        throw BenchError("no schema \(schemaID); the catalogue has \(catalogue.documentIDs.joined(separator: ", "))")
    }
    let instance = try JSONValue(parsing: instanceData)
    let errors = validator.validate(instance)
    print("schema \(schemaID); instance \(instanceData.count) bytes; \(errors.isEmpty ? "valid" : "INVALID, \(errors.count) errors")")
    for error in errors.prefix(10) { print("  \(error)") }

    var errorCount = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for _ in 0..<options.iterations {
            errorCount &+= validator.validate(instance).count
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    let perSecond = Double(options.iterations) / seconds
    print(String(format: "%d validations in %.3f s: %.0f validations/s, %.2f µs per validation (%d errors total)",
                 options.iterations, seconds, perSecond, seconds / Double(options.iterations) * 1e6, errorCount))

    // Reading the instance's JSON, which the broker does before validating each message.
    var members = 0
    let parsing = clock.measure {
        for _ in 0..<options.iterations {
            members &+= (try? JSONValue(parsing: instanceData))?.objectValue?.count ?? 0
        }
    }
    let parseSeconds = Double(parsing.components.seconds) + Double(parsing.components.attoseconds) * 1e-18
    print(String(format: "%d parses in %.3f s: %.2f µs per parse of the %d-byte instance",
                 options.iterations, parseSeconds, parseSeconds / Double(options.iterations) * 1e6, instanceData.count))
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("schema-bench: \(error)\n".utf8))
    exit(1)
}
