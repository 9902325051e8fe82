public import ShareModel

/// One schema document and the URI it was retrieved from (used as its base URI when it has no `$id`).
public struct SchemaDocument: Sendable {
    public let json: JSONValue
    public let retrievalURI: String

    public init(json: JSONValue, retrievalURI: String) {
        self.json = json
        self.retrievalURI = retrievalURI
    }
}
