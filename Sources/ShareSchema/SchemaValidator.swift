public import ShareModel

/// Validates instances against one compiled schema. Cheap to copy and safe to share between threads.
public struct SchemaValidator: Sendable {
    private let root: SchemaNode
    /// Keeps every node of the catalogue alive, as `$ref` targets are not owned by their referrers.
    private let graph: SchemaGraph

    init(root: SchemaNode, graph: SchemaGraph) {
        self.root = root
        self.graph = graph
    }

    /// Every error, in a deterministic order (keywords in evaluation order, object members in sorted
    /// name order); empty means valid. Valid instances cost no more than `isValid`.
    public func validate(_ instance: JSONValue) -> [SchemaError] {
        if root.isValid(instance) { return [] }
        var collector = ErrorCollector()
        collector.collect(root, instance, at: .root, path: "")
        return collector.errors
    }

    /// Whether the instance is valid; stops at the first failure.
    public func isValid(_ instance: JSONValue) -> Bool {
        root.isValid(instance)
    }
}
