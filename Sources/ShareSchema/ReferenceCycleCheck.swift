/// Refuses `$ref` cycles that return to a schema without moving into the instance (for example
/// `{"$ref": "#"}` at a root, or two definitions that refer to each other through `allOf`):
/// evaluating them would recurse forever on any instance. Cycles through `properties`, `items`
/// and the like are fine: each step goes one level deeper into a finite instance.
enum ReferenceCycleCheck {
    static func check(_ nodes: [SchemaNode]) throws(SchemaLoadError) {
        var state: [ObjectIdentifier: Bool] = [:]  // false: on the current path; true: done
        var path: [SchemaNode] = []
        for node in nodes {
            try visit(node, state: &state, path: &path)
        }
    }

    private static func visit(_ node: SchemaNode, state: inout [ObjectIdentifier: Bool], path: inout [SchemaNode]) throws(SchemaLoadError) {
        switch state[ObjectIdentifier(node)] {
        case true?:
            return
        case false?:
            let cycle = path.drop { $0 !== node }
            let culprit = cycle.first { $0.keywords.contains { if case .ref = $0 { true } else { false } } } ?? node
            throw SchemaLoadError(
                documentID: culprit.documentID, location: culprit.pointer + "/$ref",
                message: "This '$ref' leads back to the same schema without moving into the instance, so validation would never end."
            )
        case nil:
            state[ObjectIdentifier(node)] = false
            path.append(node)
            for keyword in node.keywords {
                for next in keyword.inPlaceSubschemas {
                    try visit(next, state: &state, path: &path)
                }
            }
            path.removeLast()
            state[ObjectIdentifier(node)] = true
        }
    }
}

extension Keyword {
    /// Subschemas applied to the same instance location as their parent.
    var inPlaceSubschemas: [SchemaNode] {
        switch self {
        case .ref(let target): [target.node]
        case .allOf(let schemas), .anyOf(let schemas), .oneOf(let schemas): schemas.nodes
        case .not(let schema): [schema]
        case .conditional(let condition, let then, let otherwise): [condition] + [then, otherwise].compactMap { $0 }
        case .dependentSchemas(let dependencies): dependencies.map(\.schema)
        default: []
        }
    }
}
