import ShareModel

/// One compiled assertion or applicator of a schema object. A node's keywords are kept in the
/// order errors are reported: $ref, type, enum, const, the object keywords, the array keywords,
/// string, number and object-size bounds, format, combinators, if/then/else, dependencies.
enum Keyword: Sendable {
    case ref(RefTarget)
    case type(JSONTypeSet)
    case enumeration(EnumValues)
    /// `const`, as a one-value `EnumValues`.
    case const(EnumValues)
    /// properties, required, additionalProperties and patternProperties, evaluated together.
    case objectMembers(ObjectMembers)
    /// prefixItems and items, evaluated together.
    case arrayItems(ArrayItems)
    case assertion(Assertion)
    case string(StringAssertion)
    case allOf(Subschemas)
    case anyOf(Subschemas)
    case oneOf(Subschemas)
    case not(SchemaNode)
    case conditional(if: SchemaNode, then: SchemaNode?, else: SchemaNode?)
    case dependentRequired([DependentRequirement])
    case dependentSchemas([(name: JSONKey, schema: SchemaNode)])
}

/// The JSON types a `type` keyword allows.
struct JSONTypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = JSONTypeSet(rawValue: 1)
    static let boolean = JSONTypeSet(rawValue: 2)
    static let integer = JSONTypeSet(rawValue: 4)
    static let number = JSONTypeSet(rawValue: 8)
    static let string = JSONTypeSet(rawValue: 16)
    static let array = JSONTypeSet(rawValue: 32)
    static let object = JSONTypeSet(rawValue: 64)

    static let byName: [JSONKey: JSONTypeSet] = [
        "null": .null, "boolean": .boolean, "integer": .integer, "number": .number,
        "string": .string, "array": .array, "object": .object,
    ]

    func contains(typeOf value: JSONValue) -> Bool {
        switch value {
        case .null: contains(.null)
        case .bool: contains(.boolean)
        case .number(let number): contains(.number) || (contains(.integer) && number.isWholeNumber)
        case .string: contains(.string)
        case .array: contains(.array)
        case .object: contains(.object)
        }
    }
}

extension Double {
    /// JSON Schema's integer: any finite number with no fractional part (so 1.0 is an integer).
    var isWholeNumber: Bool { isFinite && self == rounded(.towardZero) }
}

/// An `enum`'s values, with a table for the common all-strings case. Strings match by code point.
final class EnumValues: Sendable {
    let values: [JSONValue]
    private let strings: NameTable

    init(_ values: [JSONValue]) {
        self.values = values
        var seen: Set<JSONKey> = []
        strings = NameTable(values.compactMap(\.stringValue).filter { seen.insert(JSONKey($0)).inserted })
    }

    func contains(_ value: JSONValue) -> Bool {
        if case .string(let string) = value { return strings.index(of: string) != nil }
        return values.contains(value)
    }
}

/// `properties`, `required`, `additionalProperties` and `patternProperties` of one schema object.
/// Member names match by code point.
final class ObjectMembers: @unchecked Sendable {  // immutable; the unowned references are kept alive by the graph
    let properties: PropertyTable
    /// `properties` in sorted name order, for deterministic error order.
    let sortedProperties: [(name: JSONKey, schema: SchemaNode)]
    let required: [JSONKey]
    /// How many `required` names have a `properties` entry; the others are in `requiredElsewhere`.
    let requiredWithSchema: Int
    let requiredElsewhere: [JSONKey]
    let patternProperties: [(pattern: RegexProgram, schema: SchemaNode)]
    let additionalProperties: SchemaNode?
    /// `additionalProperties`, unowned, for `isValid`.
    let unownedAdditionalProperties: Unmanaged<SchemaNode>?

    /// `properties` must be in sorted name order, each name once.
    init(
        properties: [(name: JSONKey, schema: SchemaNode)], required: [JSONKey],
        patternProperties: [(pattern: RegexProgram, schema: SchemaNode)], additionalProperties: SchemaNode?
    ) {
        sortedProperties = properties
        let requiredSet = Set(required)
        let table = PropertyTable(properties.map { .init(name: $0.name, schema: $0.schema, isRequired: requiredSet.contains($0.name)) })
        self.properties = table
        self.required = required
        requiredWithSchema = required.filter { table.index(of: $0) != nil }.count
        requiredElsewhere = required.filter { table.index(of: $0) == nil }
        self.patternProperties = patternProperties
        self.additionalProperties = additionalProperties
        unownedAdditionalProperties = additionalProperties.map { .passUnretained($0) }
    }

    /// Whether some `properties` entry or `patternProperties` pattern covers `name`.
    func isDeclared(_ name: JSONKey) -> Bool {
        properties.index(of: name) != nil || patternProperties.contains { $0.pattern.matches(name.string) }
    }
}

/// `prefixItems` and `items` of one schema object.
final class ArrayItems: @unchecked Sendable {  // immutable; the unowned references are kept alive by the graph
    let prefixItems: [SchemaNode]
    /// Applies to the items after `prefixItems`.
    let items: SchemaNode?
    /// The same, unowned, for `isValid`.
    let unownedPrefixItems: [Unmanaged<SchemaNode>]
    let unownedItems: Unmanaged<SchemaNode>?

    init(prefixItems: [SchemaNode], items: SchemaNode?) {
        self.prefixItems = prefixItems
        self.items = items
        unownedPrefixItems = prefixItems.map { .passUnretained($0) }
        unownedItems = items.map { .passUnretained($0) }
    }
}

/// One `dependentRequired` entry: when `name` is present, so must every one of `required` be.
struct DependentRequirement: Sendable {
    let name: JSONKey
    let required: [JSONKey]
}
