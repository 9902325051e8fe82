import Foundation
import ShareModel
import ShareSchema
import Testing

/// Parses JSON text written in a test.
func json(_ text: String) throws -> JSONValue {
    try JSONValue(parsing: Data(text.utf8))
}

/// A catalogue of the given documents, each `(retrievalURI, json text)`.
func catalogue(_ documents: [(String, String)]) throws -> SchemaCatalogue {
    try SchemaCatalogue(documents.map { SchemaDocument(json: try json($0.1), retrievalURI: $0.0) })
}

/// The validator for a single schema document retrieved as "urn:test:schema".
func validator(_ schema: String) throws -> SchemaValidator {
    let catalogue = try catalogue([("urn:test:schema", schema)])
    return try #require(catalogue.validator(for: "urn:test:schema"))
}

/// The load error for the given documents, or nil when they load.
func loadError(_ documents: [(String, String)]) throws -> SchemaLoadError? {
    let parsed = try documents.map { SchemaDocument(json: try json($0.1), retrievalURI: $0.0) }
    do {
        _ = try SchemaCatalogue(parsed)
        return nil
    } catch {
        return error
    }
}

/// The load error for one schema document retrieved as "urn:test:schema".
func loadError(_ schema: String) throws -> SchemaLoadError? {
    try loadError([("urn:test:schema", schema)])
}

extension SchemaValidator {
    /// Validity of an instance written as JSON text; also checks `validate` agrees with `isValid`.
    func accepts(_ instance: String) throws -> Bool {
        let value = try json(instance)
        let valid = isValid(value)
        #expect(validate(value).isEmpty == valid, "validate and isValid disagree on \(instance)")
        return valid
    }

    /// The errors for an instance written as JSON text.
    func errors(_ instance: String) throws -> [SchemaError] {
        validate(try json(instance))
    }

    /// `(instanceLocation, keyword)` of every error, as Python jsonschema's comparison uses.
    func failures(_ instance: String) throws -> [String] {
        try errors(instance).map { "\($0.instanceLocation) \($0.keyword)" }
    }
}
