import ShareModel

/// The subschemas of `allOf`, `anyOf` or `oneOf`, with unowned copies so that `isValid` does no
/// reference counting.
final class Subschemas: @unchecked Sendable {  // immutable; the unowned references are kept alive by `nodes`
    let nodes: [SchemaNode]
    private let unownedNodes: [Unmanaged<SchemaNode>]

    init(_ nodes: [SchemaNode]) {
        self.nodes = nodes
        unownedNodes = nodes.map { .passUnretained($0) }
    }

    func allAccept(_ instance: JSONValue) -> Bool {
        unownedNodes.allSatisfy { $0.isValid(instance) }
    }

    func someAccepts(_ instance: JSONValue) -> Bool {
        unownedNodes.contains { $0.isValid(instance) }
    }

    func exactlyOneAccepts(_ instance: JSONValue) -> Bool {
        unownedNodes.count { $0.isValid(instance) } == 1
    }
}
