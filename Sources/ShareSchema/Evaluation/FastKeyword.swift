import ShareModel

/// A `Keyword` as `isValid` runs it. Every payload is a plain value or an unowned reference, so
/// copying and switching over these costs no reference counting; the referenced objects are
/// owned by the node's `keywords` (or its `owners`), and nodes by the catalogue's graph.
enum FastKeyword {
    case ref(Unmanaged<RefTarget>)
    /// `enum`, and `const` as a one-value enum.
    case enumeration(Unmanaged<EnumValues>)
    case objectMembers(Unmanaged<ObjectMembers>)
    case arrayItems(Unmanaged<ArrayItems>)
    case assertion(Assertion)
    case strings(Unmanaged<StringAssertions>)
    case allOf(Unmanaged<Subschemas>)
    case anyOf(Unmanaged<Subschemas>)
    case oneOf(Unmanaged<Subschemas>)
    case not(Unmanaged<SchemaNode>)
    case conditional(if: Unmanaged<SchemaNode>, then: Unmanaged<SchemaNode>?, else: Unmanaged<SchemaNode>?)
    case dependentRequired(Unmanaged<DependentRequirements>)
    case dependentSchemas(Unmanaged<DependentSchemas>)

    /// Builds a node's fast keywords from its keywords.
    struct Plan {
        private(set) var types: JSONTypeSet?
        private(set) var owners: [AnyObject] = []
        private var keywords: [FastKeyword] = []
        private var strings: [StringAssertion] = []

        mutating func add(_ keyword: Keyword) {
            switch keyword {
            case .ref(let target): keywords.append(.ref(.passUnretained(target)))
            case .type(let set): types = set
            case .enumeration(let values), .const(let values): keywords.append(.enumeration(.passUnretained(values)))
            case .objectMembers(let members): keywords.append(.objectMembers(.passUnretained(members)))
            case .arrayItems(let items): keywords.append(.arrayItems(.passUnretained(items)))
            case .assertion(let assertion): keywords.append(.assertion(assertion))
            case .string(let assertion): strings.append(assertion)
            case .allOf(let schemas): keywords.append(.allOf(.passUnretained(schemas)))
            case .anyOf(let schemas): keywords.append(.anyOf(.passUnretained(schemas)))
            case .oneOf(let schemas): keywords.append(.oneOf(.passUnretained(schemas)))
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
            if !strings.isEmpty {
                keywords.append(.strings(.passUnretained(own(StringAssertions(strings)))))
            }
            return keywords
        }

        private mutating func own<Object: AnyObject>(_ object: Object) -> Object {
            owners.append(object)
            return object
        }
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
    let list: [(name: JSONKey, schema: Unmanaged<SchemaNode>)]

    init(_ list: [(name: JSONKey, schema: SchemaNode)]) {
        self.list = list.map { ($0.name, .passUnretained($0.schema)) }
    }
}
