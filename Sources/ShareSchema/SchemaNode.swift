import ShareModel

/// A compiled subschema: its keywords, parsed once, in evaluation order. Immutable after loading.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`; `fastKeywords` is a
/// buffer this node allocates, fills in `init` and frees in `deinit`, and `owners` only keeps
/// immutable objects alive.
final class SchemaNode: @unchecked Sendable {
    /// The document that holds this subschema.
    let documentID: String
    /// JSON Pointer of this subschema within its document.
    let pointer: String
    /// True for the `false` schema.
    let isFalse: Bool
    /// The keywords in error-reporting order.
    let keywords: [Keyword]
    /// `type`, checked first by `isValid`.
    let types: JSONTypeSet?
    /// What `isValid` runs: `keywords` without `type`, string assertions fused, and every
    /// reference unowned so that evaluation does no reference counting.
    let fastKeywords: UnsafeMutableBufferPointer<FastKeyword>
    /// Objects created for `fastKeywords` that `keywords` does not already own.
    private let owners: [AnyObject]

    init(documentID: String, pointer: String, isFalse: Bool, keywords: [Keyword]) {
        self.documentID = documentID
        self.pointer = pointer
        self.isFalse = isFalse
        self.keywords = keywords
        var plan = FastKeyword.Plan()
        for keyword in keywords {
            plan.add(keyword)
        }
        types = plan.types
        let fast = plan.finish()
        owners = plan.owners
        fastKeywords = .allocate(capacity: fast.count)
        _ = fastKeywords.initialize(from: fast)
    }

    deinit {
        fastKeywords.deallocate()
    }

    /// Placeholder target of a `$ref` until references are resolved at the end of loading.
    static let unresolved = SchemaNode(documentID: "", pointer: "", isFalse: true, keywords: [])
}

/// The target of one `$ref`, filled in once every document is compiled (references may form cycles).
///
/// `@unchecked Sendable`: `target` is written only while `SchemaCatalogue.init` runs, before the
/// catalogue is visible to anyone, and never again. The reference is unowned to avoid reference
/// cycles; every node is kept alive by the `SchemaGraph` that validators hold.
final class RefTarget: @unchecked Sendable {
    private(set) var target = Unmanaged.passUnretained(SchemaNode.unresolved)

    var node: SchemaNode { target.takeUnretainedValue() }

    func resolve(to node: SchemaNode) {
        target = .passUnretained(node)
    }
}

/// Owns every compiled node of a catalogue, keeping `$ref` targets alive for as long as any validator is.
final class SchemaGraph: Sendable {
    let nodes: [SchemaNode]

    init(nodes: [SchemaNode]) {
        self.nodes = nodes
    }
}

extension Unmanaged where Instance == SchemaNode {
    /// `isValid` on the node, without retaining it (it is owned by the catalogue's graph).
    func isValid(_ instance: JSONValue) -> Bool {
        _withUnsafeGuaranteedRef { $0.isValid(instance) }
    }
}
