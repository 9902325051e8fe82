public import Foundation
public import ShareModel
public import ShareSchema

/// The message catalogue: the envelope schema and one schema per message type, compiled once.
///
/// Type schemas have the `$id` `urn:sharebroker:schema:<name>:<version>` and describe a whole
/// envelope of that type; the envelope schema (`urn:sharebroker:schema:envelope`) is what an
/// envelope of an unknown type is checked against, so its other mistakes are still reported.
public struct MessageCatalogue: Sendable {
    /// One schema document as loaded, for serving byte for byte.
    public struct Entry: Sendable {
        /// The document's `$id`.
        public let id: String
        /// The file name without `.schema.json`, such as `envelope` or `mash-enquiry-1`.
        public let name: String
        public let title: String?
        /// The message type the schema governs; nil for the envelope and shared definitions.
        public let messageType: MessageType?
        /// The file's exact bytes.
        public let bytes: Data
    }

    /// The `$id` of the envelope schema.
    public static let envelopeID = "urn:sharebroker:schema:envelope"

    /// The `$id` of the schema for `type`.
    public static func schemaID(for type: MessageType) -> String {
        "urn:sharebroker:schema:\(type.name):\(type.version)"
    }

    /// Every document, sorted by name.
    public let entries: [Entry]
    /// The compiled documents, for validating against any schema in the catalogue.
    public let schemas: SchemaCatalogue
    private let envelope: SchemaValidator
    private let types: [MessageType: SchemaValidator]

    /// Compiles the catalogue from its files: `name` is the file name (`*.schema.json`).
    public init(files: [(name: String, bytes: Data)]) throws(CatalogueError) {
        var entries: [Entry] = []
        var documents: [SchemaDocument] = []
        for file in files.sorted(by: { $0.name < $1.name }) {
            let json: JSONValue
            do {
                json = try JSONValue(parsing: file.bytes)
            } catch {
                throw CatalogueError("\(file.name) is not valid JSON.")
            }
            guard let id = json["$id"]?.stringValue else {
                throw CatalogueError("\(file.name) has no \"$id\"; every catalogue schema names itself with an absolute URI.")
            }
            if let clash = entries.first(where: { $0.id.codePointsEqual(id) }) {
                throw CatalogueError("\(file.name) and \(clash.name).schema.json have the same $id \(id).")
            }
            let name = file.name.hasSuffix(Self.fileSuffix) ? String(file.name.dropLast(Self.fileSuffix.count)) : file.name
            entries.append(Entry(id: id, name: name, title: json["title"]?.stringValue,
                                 messageType: Self.messageType(schemaID: id), bytes: file.bytes))
            documents.append(SchemaDocument(json: json, retrievalURI: id))
        }
        do {
            schemas = try SchemaCatalogue(documents)
        } catch {
            let file = entries.first { $0.id.codePointsEqual(error.documentID) }.map { "\($0.name)\(Self.fileSuffix)" } ?? error.documentID
            throw CatalogueError("\(file) at \(error.location.isEmpty ? "the root" : error.location): \(error.message)")
        }
        guard let envelope = schemas.validator(for: Self.envelopeID) else {
            throw CatalogueError("The catalogue has no envelope schema (\(Self.envelopeID)).")
        }
        var types: [MessageType: SchemaValidator] = [:]
        for entry in entries {
            if let type = entry.messageType, let validator = schemas.validator(for: entry.id) {
                types[type] = validator
            }
        }
        self.entries = entries
        self.envelope = envelope
        self.types = types
    }

    /// The file name ending of catalogue schemas.
    public static let fileSuffix = ".schema.json"

    /// The message types the catalogue defines, sorted.
    public var messageTypes: [MessageType] {
        types.keys.sorted { ($0.name, $0.version) < ($1.name, $1.version) }
    }

    /// The entry for a message type, if the catalogue has it.
    public func entry(for type: MessageType) -> Entry? {
        entries.first { $0.messageType == type }
    }

    /// The entry with this file name (without `.schema.json`).
    public func entry(named name: String) -> Entry? {
        entries.first { $0.name == name }
    }

    /// Every way `envelope` breaks its type's schema, or the envelope schema when its type is
    /// unknown (then also a problem at `/type`). Empty when the envelope is valid.
    public func problems(in envelope: JSONValue) -> [ValidationProblem] {
        let typeText = envelope["type"]?.stringValue
        if let typeText, let type = MessageType(typeText), let validator = types[type] {
            return validator.validate(envelope).map(Self.problem)
        }
        var problems = self.envelope.validate(envelope).map(Self.problem)
        if let typeText, MessageType(typeText) != nil {
            problems.append(ValidationProblem(
                pointer: "/type",
                message: "There is no message type '\(typeText)' in the catalogue; GET /v1/schemas lists the types this broker accepts."))
        }
        return problems
    }

    /// Whether `value` is valid against the common definition `name`
    /// (`urn:sharebroker:schema:common#/$defs/<name>`, such as `nhsNumber`); false for an unknown name.
    public func isValid(_ value: JSONValue, commonDefinition name: String) -> Bool {
        schemas.validator(for: "urn:sharebroker:schema:common#/$defs/\(name)")?.validate(value).isEmpty == true
    }

    /// Whether `envelope` names a message type this catalogue does not have.
    public func isUnknownType(_ envelope: JSONValue) -> Bool {
        guard let type = envelope["type"]?.stringValue.flatMap(MessageType.init) else { return false }
        return types[type] == nil
    }

    private static func problem(_ error: SchemaError) -> ValidationProblem {
        ValidationProblem(pointer: error.pointer, message: error.message, schemaLocation: error.absoluteKeywordLocation)
    }

    private static func messageType(schemaID: String) -> MessageType? {
        let prefix = "urn:sharebroker:schema:"
        guard schemaID.hasPrefix(prefix) else { return nil }
        let parts = schemaID.dropFirst(prefix.count).split(separator: ":")
        guard parts.count == 2 else { return nil }
        return MessageType("\(parts[0])/\(parts[1])")
    }
}

/// A catalogue that cannot be used, and why.
public struct CatalogueError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
