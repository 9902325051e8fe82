import ShareModel

/// Where a schema resource (a document, or a subschema with its own `$id`) starts.
struct ResourceLocation: Sendable {
    let documentID: String
    /// Pointer tokens of the resource's root within its document.
    let tokens: [String]
}

/// A compiled subschema's address: its document and its JSON Pointer there, both compared by
/// code point (member names "ä" and "a\u{308}" give two pointers).
struct NodeKey: Hashable, Sendable {
    let documentID: JSONKey
    let pointer: JSONKey

    init(documentID: String, pointer: String) {
        self.documentID = JSONKey(documentID)
        self.pointer = JSONKey(pointer)
    }
}

/// Compiles schema documents into `SchemaNode` trees, checking every keyword and value, then
/// resolves every `$ref` and refuses reference cycles that would never reach the instance.
/// Resources and documents are keyed by their URI as written, compared by code point.
struct SchemaCompiler {
    private(set) var nodes: [NodeKey: SchemaNode] = [:]
    private(set) var allNodes: [SchemaNode] = []
    private(set) var resources: [JSONKey: ResourceLocation] = [:]
    private(set) var documents: [JSONKey: JSONValue] = [:]
    private var retrievalAliases: [(uri: String, documentID: String)] = []
    private var pendingReferences: [PendingReference] = []

    private struct PendingReference {
        let target: RefTarget
        let reference: String
        let resolved: String
        let documentID: String
        let location: String
    }

    /// Where a subschema is being compiled: its document, pointer tokens and base URI.
    struct Position {
        let documentID: String
        let tokens: [String]
        let base: String

        func child(_ tokens: String...) -> Position {
            Position(documentID: documentID, tokens: self.tokens + tokens, base: base)
        }

        func failure(_ message: String, at extra: [String] = []) -> SchemaLoadError {
            SchemaLoadError(documentID: documentID, location: JSONPointer(tokens + extra).description, message: message)
        }
    }

    static let draft202012 = "https://json-schema.org/draft/2020-12/schema"

    /// Compiles one document; its id is its root `$id` resolved against the retrieval URI, else that URI.
    mutating func add(_ document: SchemaDocument) throws(SchemaLoadError) {
        let retrieval = URIResolution.splitFragment(document.retrievalURI).base
        var documentID = retrieval
        if case .string(let id)? = document.json["$id"] {
            documentID = URIResolution.splitFragment(URIResolution.resolve(id, against: retrieval)).base
        }
        guard documents[JSONKey(documentID)] == nil else {
            throw SchemaLoadError(documentID: documentID, location: "", message: "Two documents have the id \(documentID); each needs its own.")
        }
        documents[JSONKey(documentID)] = document.json
        retrievalAliases.append((retrieval, documentID))
        if document.json["$id"] == nil {
            try register(resource: documentID, at: Position(documentID: documentID, tokens: [], base: documentID))
        }
        _ = try compile(document.json, at: Position(documentID: documentID, tokens: [], base: documentID))
    }

    /// Points every `$ref` at its compiled target and checks for cycles; call after adding every document.
    mutating func finish() throws(SchemaLoadError) {
        for alias in retrievalAliases where resources[JSONKey(alias.uri)] == nil {
            resources[JSONKey(alias.uri)] = ResourceLocation(documentID: alias.documentID, tokens: [])
        }
        for pending in pendingReferences {
            pending.target.resolve(to: try resolve(pending))
        }
        try ReferenceCycleCheck.check(allNodes)
    }

    /// The compiled subschema an absolute URI (with an optional JSON Pointer fragment) names.
    static func lookUp(_ uri: String, resources: [JSONKey: ResourceLocation], nodes: [NodeKey: SchemaNode]) -> SchemaNode? {
        let (base, fragment) = URIResolution.splitFragment(uri)
        guard let resource = resources[JSONKey(base)], let pointer = URIResolution.percentDecoded(fragment ?? ""),
              isPointer(pointer)
        else { return nil }
        let tokens = resource.tokens + JSONPointer(stringLiteral: pointer).tokens
        return nodes[NodeKey(documentID: resource.documentID, pointer: JSONPointer(tokens).description)]
    }

    private func resolve(_ pending: PendingReference) throws(SchemaLoadError) -> SchemaNode {
        let (base, fragment) = URIResolution.splitFragment(pending.resolved)
        func failure(_ reason: String) -> SchemaLoadError {
            SchemaLoadError(documentID: pending.documentID, location: pending.location, message: "'$ref' \"\(pending.reference)\" \(reason)")
        }
        guard resources[JSONKey(base)] != nil else {
            throw failure("resolves to \(pending.resolved), but no schema in the catalogue has the id \(base).")
        }
        guard let pointer = URIResolution.percentDecoded(fragment ?? ""), Self.isPointer(pointer) else {
            throw failure("uses a plain-name fragment (an $anchor), which is not supported; use a JSON Pointer such as #/$defs/name.")
        }
        guard let node = Self.lookUp(pending.resolved, resources: resources, nodes: nodes) else {
            throw failure("resolves to \(pending.resolved), which is not a schema: nothing of \(base) is a schema at \(pointer).")
        }
        return node
    }

    private mutating func register(resource uri: String, at position: Position) throws(SchemaLoadError) {
        if let existing = resources[JSONKey(uri)] {
            throw position.failure("The id \(uri) is already used by \(existing.documentID)#\(JSONPointer(existing.tokens)); each schema resource needs its own.", at: ["$id"])
        }
        resources[JSONKey(uri)] = ResourceLocation(documentID: position.documentID, tokens: position.tokens)
    }

    /// Whether a fragment is a JSON Pointer ("" or starting with "/"), not a plain name.
    private static func isPointer(_ fragment: String) -> Bool {
        fragment.utf8.first.map { $0 == UInt8(ascii: "/") } ?? true
    }

    /// Compiles the schema at `position`, and every subschema inside it.
    mutating func compile(_ json: JSONValue, at position: Position) throws(SchemaLoadError) -> SchemaNode {
        let node: SchemaNode
        let pointer = JSONPointer(position.tokens).description
        switch json {
        case .bool(let allows):
            node = SchemaNode(documentID: position.documentID, pointer: pointer, isFalse: !allows, keywords: [])
        case .object(let members):
            var builder = KeywordBuilder(members: members, position: position)
            let keywords = try builder.build(with: &self)
            node = SchemaNode(documentID: position.documentID, pointer: pointer, isFalse: false, keywords: keywords)
        default:
            throw position.failure("A schema must be an object or a boolean; this is a \(json.typeName).")
        }
        nodes[NodeKey(documentID: position.documentID, pointer: pointer)] = node
        allNodes.append(node)
        return node
    }

    /// Handles `$id` at `position`: returns the new base URI after registering the resource.
    mutating func enterResource(id: String, at position: Position) throws(SchemaLoadError) -> String {
        let resolved = URIResolution.resolve(id, against: position.base)
        let (base, fragment) = URIResolution.splitFragment(resolved)
        if let fragment, !fragment.isEmpty {
            throw position.failure("'$id' must not have a fragment in draft 2020-12; found \"\(id)\".", at: ["$id"])
        }
        try register(resource: base, at: position)
        return base
    }

    /// Records a `$ref` to resolve once every document is compiled.
    mutating func addReference(_ reference: String, at position: Position) -> RefTarget {
        let target = RefTarget()
        pendingReferences.append(PendingReference(
            target: target, reference: reference, resolved: URIResolution.resolve(reference, against: position.base),
            documentID: position.documentID, location: JSONPointer(position.tokens + ["$ref"]).description
        ))
        return target
    }
}
