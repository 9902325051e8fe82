/// A `Keyword` as `isValid` runs it. Every payload is a plain value or an unowned reference, so
/// copying and switching over these costs no reference counting; the referenced objects are
/// owned by the node's `keywords` (or its `owners`), and nodes by the catalogue's graph.
enum FastKeyword {
    case ref(Unmanaged<RefTarget>)
    /// `enum`, and `const` as a one-value enum.
    case enumeration(Unmanaged<EnumValues>)
    case objectMembers(Unmanaged<ObjectMembers>)
    case arrayItems(Unmanaged<ArrayItems>)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case strings(Unmanaged<StringAssertions>)
    case minimum(Double)
    case maximum(Double)
    case exclusiveMinimum(Double)
    case exclusiveMaximum(Double)
    case multipleOf(Double)
    case minProperties(Int)
    case maxProperties(Int)
    case allOf(Unmanaged<NodeList>)
    case anyOf(Unmanaged<NodeList>)
    case oneOf(Unmanaged<NodeList>)
    case not(Unmanaged<SchemaNode>)
    case conditional(if: Unmanaged<SchemaNode>, then: Unmanaged<SchemaNode>?, else: Unmanaged<SchemaNode>?)
    case dependentRequired(Unmanaged<DependentRequirements>)
    case dependentSchemas(Unmanaged<DependentSchemas>)

    /// Builds a node's fast keywords from its keywords.
    struct Plan {
        private(set) var types: JSONTypeSet?
        private(set) var owners: [AnyObject] = []
        private var keywords: [FastKeyword] = []
        private var minLength: Int?
        private var maxLength: Int?
        private var patterns: [RegexProgram] = []
        private var formats: [StringFormat] = []

        mutating func add(_ keyword: Keyword) {
            switch keyword {
            case .ref(let target): keywords.append(.ref(.passUnretained(target)))
            case .type(let set): types = set
            case .enumeration(let values): keywords.append(.enumeration(.passUnretained(values)))
            case .const(let value): keywords.append(.enumeration(.passUnretained(own(EnumValues([value])))))
            case .objectMembers(let members): keywords.append(.objectMembers(.passUnretained(members)))
            case .arrayItems(let items): keywords.append(.arrayItems(.passUnretained(items)))
            case .minItems(let limit): keywords.append(.minItems(limit))
            case .maxItems(let limit): keywords.append(.maxItems(limit))
            case .uniqueItems: keywords.append(.uniqueItems)
            case .minLength(let limit): minLength = limit
            case .maxLength(let limit): maxLength = limit
            case .pattern(let program): patterns.append(program)
            case .format(let format): formats.append(format)
            case .minimum(let limit): keywords.append(.minimum(limit))
            case .maximum(let limit): keywords.append(.maximum(limit))
            case .exclusiveMinimum(let limit): keywords.append(.exclusiveMinimum(limit))
            case .exclusiveMaximum(let limit): keywords.append(.exclusiveMaximum(limit))
            case .multipleOf(let divisor): keywords.append(.multipleOf(divisor))
            case .minProperties(let limit): keywords.append(.minProperties(limit))
            case .maxProperties(let limit): keywords.append(.maxProperties(limit))
            case .allOf(let schemas): keywords.append(.allOf(.passUnretained(own(NodeList(schemas)))))
            case .anyOf(let schemas): keywords.append(.anyOf(.passUnretained(own(NodeList(schemas)))))
            case .oneOf(let schemas): keywords.append(.oneOf(.passUnretained(own(NodeList(schemas)))))
            case .not(let schema): keywords.append(.not(.passUnretained(schema)))
            case .conditional(let condition, let then, let otherwise):
                keywords.append(.conditional(
                    if: .passUnretained(condition), then: then.map { .passUnretained($0) }, else: otherwise.map { .passUnretained($0) }
                ))
            case .dependentRequired(let requirements):
                keywords.append(.dependentRequired(.passUnretained(own(DependentRequirements(requirements)))))
            case .dependentSchemas(let dependencies):
                keywords.append(.dependentSchemas(.passUnretained(own(DependentSchemas(dependencies)))))
            }
        }

        /// The fast keywords, string assertions fused at the end.
        mutating func finish() -> [FastKeyword] {
            if minLength != nil || maxLength != nil || !patterns.isEmpty || !formats.isEmpty {
                let strings = own(StringAssertions(minLength: minLength, maxLength: maxLength, patterns: patterns, formats: formats))
                keywords.append(.strings(.passUnretained(strings)))
            }
            return keywords
        }

        private mutating func own<Object: AnyObject>(_ object: Object) -> Object {
            owners.append(object)
            return object
        }
    }
}

/// Subschemas held unowned, for `isValid`.
final class NodeList: @unchecked Sendable {
    let nodes: [Unmanaged<SchemaNode>]

    init(_ nodes: [SchemaNode]) {
        self.nodes = nodes.map { .passUnretained($0) }
    }
}

/// `dependentRequired` entries, boxed for `FastKeyword`.
final class DependentRequirements: Sendable {
    let list: [DependentRequirement]

    init(_ list: [DependentRequirement]) {
        self.list = list
    }
}

/// `dependentSchemas` entries with unowned subschemas, for `isValid`.
final class DependentSchemas: @unchecked Sendable {
    let list: [(name: String, schema: Unmanaged<SchemaNode>)]

    init(_ list: [(name: String, schema: SchemaNode)]) {
        self.list = list.map { ($0.name, .passUnretained($0.schema)) }
    }
}
