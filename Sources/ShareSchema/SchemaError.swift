public import ShareModel

/// One way an instance fails its schema.
public struct SchemaError: Sendable, Equatable, CustomStringConvertible {
    /// Where in the instance (the JSON Schema output format's `instanceLocation`).
    public let instanceLocation: JSONPointer
    /// JSON Pointer of the keyword along the evaluation path, `$ref` included, e.g. "/allOf/0/$ref/properties/disclosure/required".
    public let keywordLocation: String
    /// "<document id>#<pointer of the keyword within that document>".
    public let absoluteKeywordLocation: String
    /// The failing keyword ("required", "format", ...; "false" for a `false` schema).
    public let keyword: String
    /// A sentence a person can act on. Never quotes the instance's own values, except by JSON type.
    public let message: String
    /// The most specific place to point at: the missing member for `required` and `dependentRequired`, else `instanceLocation`.
    public let pointer: JSONPointer

    public var description: String {
        "\(pointer.description.isEmpty ? "/" : pointer.description): \(message) [\(keywordLocation)]"
    }
}

/// A schema document the catalogue cannot compile: which document, where in it, and why.
public struct SchemaLoadError: Error, Sendable, CustomStringConvertible {
    /// The document's `$id`, or its retrieval URI when it has none.
    public let documentID: String
    /// JSON Pointer, within that document, of the offending value.
    public let location: String
    public let message: String

    public var description: String {
        "\(documentID)#\(location): \(message)"
    }
}
