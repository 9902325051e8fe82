public import ShareModel

/// A set of schema documents, compiled once; `$ref`s resolve within a document and across documents by `$id`.
public struct SchemaCatalogue: Sendable {
    private let graph: SchemaGraph
    private let resources: [JSONKey: ResourceLocation]
    private let nodes: [NodeKey: SchemaNode]
    private let documents: [JSONKey: JSONValue]

    /// Compiles every document, checking every keyword and resolving every `$ref`, reachable or not.
    /// Throws for unsupported keywords, malformed keyword values, other drafts, unresolvable or
    /// endlessly self-referring `$ref`s, and patterns using unsupported regular-expression constructs.
    public init(_ documents: [SchemaDocument]) throws(SchemaLoadError) {
        var compiler = SchemaCompiler()
        for document in documents {
            try compiler.add(document)
        }
        try compiler.finish()
        graph = SchemaGraph(nodes: compiler.allNodes)
        resources = compiler.resources
        nodes = compiler.nodes
        self.documents = compiler.documents
    }

    /// The validator for the schema with this absolute URI (a document `$id`/retrieval URI, optionally
    /// with a JSON-pointer fragment such as `#/$defs/agencyId`); nil if unknown.
    public func validator(for uri: String) -> SchemaValidator? {
        SchemaCompiler.lookUp(uri, resources: resources, nodes: nodes).map { SchemaValidator(root: $0, graph: graph) }
    }

    /// The `$id` (or retrieval URI) of every document, sorted.
    public var documentIDs: [String] { documents.keys.sorted().map(\.string) }

    /// A document's JSON as loaded, by id (compared by code point).
    public func document(_ id: String) -> JSONValue? { documents[JSONKey(id)] }
}
