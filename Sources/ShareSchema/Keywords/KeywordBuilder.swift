import ShareModel

/// Reads one schema object: refuses unknown keywords and malformed values, compiles subschemas
/// through the compiler, and returns the keywords in evaluation order.
struct KeywordBuilder {
    let members: [JSONKey: JSONValue]
    var position: SchemaCompiler.Position

    init(members: [JSONKey: JSONValue], position: SchemaCompiler.Position) {
        self.members = members
        self.position = position
    }

    /// Keywords that only annotate; their values are checked against the meta-schema's types.
    static let annotations: [JSONKey: String] = [
        "title": "string", "description": "string", "$comment": "string", "examples": "array",
        "default": "", "deprecated": "boolean", "readOnly": "boolean", "writeOnly": "boolean",
    ]

    static let supported: Set<JSONKey> = Set(annotations.keys).union([
        "$schema", "$id", "$ref", "$defs",
        "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
        "items", "prefixItems", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minProperties", "maxProperties",
        "format", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentRequired", "dependentSchemas",
    ])

    mutating func build(with compiler: inout SchemaCompiler) throws(SchemaLoadError) -> [Keyword] {
        for name in members.keys.sorted() where !Self.supported.contains(name) {
            throw position.failure(
                "'\(name)' is not supported by this validator; remove it or express the rule with the supported draft 2020-12 keywords.",
                at: [name.string]
            )
        }
        try checkDialect()
        if let id = members["$id"] {
            guard case .string(let text) = id else { throw failure("$id", "must be a string") }
            position = SchemaCompiler.Position(
                documentID: position.documentID, tokens: position.tokens, base: try compiler.enterResource(id: text, at: position)
            )
        }
        try checkAnnotations()
        if let definitions = members["$defs"] {
            _ = try schemaMap(definitions, "$defs", &compiler)
        }

        var keywords: [Keyword] = []
        if let reference = members["$ref"] {
            guard case .string(let text) = reference else { throw failure("$ref", "must be a string (a URI reference)") }
            keywords.append(.ref(compiler.addReference(text, at: position)))
        }
        if let value = members["type"] { keywords.append(.type(try types(value))) }
        if let value = members["enum"] {
            guard case .array(let values) = value else { throw failure("enum", "must be an array of the allowed values") }
            keywords.append(.enumeration(EnumValues(values)))
        }
        if let value = members["const"] { keywords.append(.const(EnumValues([value]))) }
        if let object = try objectMembers(&compiler) { keywords.append(.objectMembers(object)) }
        if let array = try arrayItems(&compiler) { keywords.append(.arrayItems(array)) }
        if let value = try count("minItems") { keywords.append(.assertion(.itemCount(.atLeast(value)))) }
        if let value = try count("maxItems") { keywords.append(.assertion(.itemCount(.atMost(value)))) }
        if let value = members["uniqueItems"] {
            guard case .bool(let unique) = value else { throw failure("uniqueItems", "must be true or false") }
            if unique { keywords.append(.assertion(.uniqueItems)) }
        }
        if let value = try count("minLength") { keywords.append(.string(.length(.atLeast(value)))) }
        if let value = try count("maxLength") { keywords.append(.string(.length(.atMost(value)))) }
        if let value = members["pattern"] { keywords.append(.string(.pattern(try regex(value, at: "pattern")))) }
        if let value = try number("minimum") { keywords.append(.assertion(.number(.minimum(value)))) }
        if let value = try number("maximum") { keywords.append(.assertion(.number(.maximum(value)))) }
        if let value = try number("exclusiveMinimum") { keywords.append(.assertion(.number(.exclusiveMinimum(value)))) }
        if let value = try number("exclusiveMaximum") { keywords.append(.assertion(.number(.exclusiveMaximum(value)))) }
        if let value = try number("multipleOf") {
            guard value > 0 else { throw failure("multipleOf", "must be a number greater than 0") }
            keywords.append(.assertion(.number(.multipleOf(value))))
        }
        if let value = try count("minProperties") { keywords.append(.assertion(.memberCount(.atLeast(value)))) }
        if let value = try count("maxProperties") { keywords.append(.assertion(.memberCount(.atMost(value)))) }
        if let value = members["format"] {
            guard case .string(let name) = value else { throw failure("format", "must be a string naming a format") }
            if let format = StringFormat(rawValue: name) { keywords.append(.string(.format(format))) }
        }
        if let value = members["allOf"] { keywords.append(.allOf(Subschemas(try schemaArray(value, "allOf", &compiler)))) }
        if let value = members["anyOf"] { keywords.append(.anyOf(Subschemas(try schemaArray(value, "anyOf", &compiler)))) }
        if let value = members["oneOf"] { keywords.append(.oneOf(Subschemas(try schemaArray(value, "oneOf", &compiler)))) }
        if let value = members["not"] { keywords.append(.not(try compiler.compile(value, at: position.child("not")))) }
        let condition = try members["if"].map { value throws(SchemaLoadError) in try compiler.compile(value, at: position.child("if")) }
        let then = try members["then"].map { value throws(SchemaLoadError) in try compiler.compile(value, at: position.child("then")) }
        let otherwise = try members["else"].map { value throws(SchemaLoadError) in try compiler.compile(value, at: position.child("else")) }
        if let condition, then != nil || otherwise != nil {
            keywords.append(.conditional(if: condition, then: then, else: otherwise))
        }
        if let value = members["dependentRequired"] { keywords.append(.dependentRequired(try dependentRequired(value))) }
        if let value = members["dependentSchemas"] {
            keywords.append(.dependentSchemas(try schemaMap(value, "dependentSchemas", &compiler)))
        }
        return keywords
    }

    private func failure(_ keyword: String, _ requirement: String) -> SchemaLoadError {
        position.failure("'\(keyword)' \(requirement).", at: [keyword])
    }

    private func checkDialect() throws(SchemaLoadError) {
        guard let value = members["$schema"] else { return }
        guard case .string(let uri) = value else { throw failure("$schema", "must be a string") }
        guard uri.codePointsEqual(SchemaCompiler.draft202012) || uri.codePointsEqual(SchemaCompiler.draft202012 + "#") else {
            throw position.failure(
                "'$schema' is \(uri), but this validator supports only JSON Schema draft 2020-12 (\(SchemaCompiler.draft202012)).",
                at: ["$schema"]
            )
        }
    }

    private func checkAnnotations() throws(SchemaLoadError) {
        for (name, expected) in Self.annotations where !expected.isEmpty {
            if let value = members[name], value.typeName != expected {
                throw failure(name.string, "must be a\(expected == "array" ? "n" : "") \(expected)")
            }
        }
    }

    private func types(_ value: JSONValue) throws(SchemaLoadError) -> JSONTypeSet {
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let items) where !items.isEmpty: names = items
        default: throw failure("type", "must be a type name or a non-empty array of type names")
        }
        var set: JSONTypeSet = []
        for name in names {
            guard case .string(let text) = name, let type = JSONTypeSet.byName[JSONKey(text)] else {
                throw failure("type", "names an unknown type; the types are null, boolean, integer, number, string, array and object")
            }
            guard !set.contains(type) else { throw failure("type", "names \(text) twice") }
            set.insert(type)
        }
        return set
    }

    private func count(_ keyword: String) throws(SchemaLoadError) -> Int? {
        guard let value = members[JSONKey(keyword)] else { return nil }
        guard case .number(let number) = value, number >= 0, number.isWholeNumber, number <= 9_007_199_254_740_992 else {
            throw failure(keyword, "must be a whole number, 0 or more")
        }
        return Int(number)
    }

    private func number(_ keyword: String) throws(SchemaLoadError) -> Double? {
        guard let value = members[JSONKey(keyword)] else { return nil }
        guard case .number(let number) = value else { throw failure(keyword, "must be a number") }
        return number
    }

    /// Distinct by code point: "ä" and "a\u{308}" are two names.
    private func strings(_ value: JSONValue, at keyword: String...) throws(SchemaLoadError) -> [JSONKey] {
        let message = "must be an array of distinct strings"
        guard case .array(let items) = value else { throw position.failure("'\(keyword.joined(separator: "/"))' \(message).", at: keyword) }
        var result: [JSONKey] = []
        var seen: Set<JSONKey> = []
        for item in items {
            guard case .string(let text) = item, seen.insert(JSONKey(text)).inserted else {
                throw position.failure("'\(keyword.joined(separator: "/"))' \(message).", at: keyword)
            }
            result.append(JSONKey(text))
        }
        return result
    }

    private func regex(_ value: JSONValue, at path: String...) throws(SchemaLoadError) -> RegexProgram {
        guard case .string(let pattern) = value else { throw position.failure("'pattern' must be a string.", at: path) }
        do throws(RegexSyntaxError) {
            return try RegexProgram(pattern: pattern)
        } catch {
            throw position.failure("The pattern \"\(pattern)\" cannot be used: \(error.message).", at: path)
        }
    }

    private func schemaArray(_ value: JSONValue, _ keyword: String, _ compiler: inout SchemaCompiler) throws(SchemaLoadError) -> [SchemaNode] {
        guard case .array(let items) = value, !items.isEmpty else { throw failure(keyword, "must be a non-empty array of schemas") }
        var nodes: [SchemaNode] = []
        for (index, item) in items.enumerated() {
            nodes.append(try compiler.compile(item, at: position.child(keyword, String(index))))
        }
        return nodes
    }

    /// An object whose member values are schemas, compiled in sorted name order.
    private func schemaMap(_ value: JSONValue, _ keyword: String, _ compiler: inout SchemaCompiler) throws(SchemaLoadError) -> [(name: JSONKey, schema: SchemaNode)] {
        guard case .object(let object) = value else { throw failure(keyword, "must be an object whose values are schemas") }
        var result: [(name: JSONKey, schema: SchemaNode)] = []
        for (name, member) in object.sorted(by: { $0.key < $1.key }) {
            result.append((name, try compiler.compile(member, at: position.child(keyword, name.string))))
        }
        return result
    }

    private func objectMembers(_ compiler: inout SchemaCompiler) throws(SchemaLoadError) -> ObjectMembers? {
        let keys: [JSONKey] = ["properties", "required", "additionalProperties", "patternProperties"]
        guard keys.contains(where: { members[$0] != nil }) else { return nil }
        let properties = try members["properties"].map { value throws(SchemaLoadError) in try schemaMap(value, "properties", &compiler) } ?? []
        let required = try members["required"].map { value throws(SchemaLoadError) in try strings(value, at: "required") } ?? []
        var patterns: [(pattern: RegexProgram, schema: SchemaNode)] = []
        if let value = members["patternProperties"] {
            for entry in try schemaMap(value, "patternProperties", &compiler) {
                patterns.append((try regex(.string(entry.name.string), at: "patternProperties", entry.name.string), entry.schema))
            }
        }
        let additional = try members["additionalProperties"].map { value throws(SchemaLoadError) in
            try compiler.compile(value, at: position.child("additionalProperties"))
        }
        return ObjectMembers(properties: properties, required: required, patternProperties: patterns, additionalProperties: additional)
    }

    private func arrayItems(_ compiler: inout SchemaCompiler) throws(SchemaLoadError) -> ArrayItems? {
        guard members["items"] != nil || members["prefixItems"] != nil else { return nil }
        let prefix = try members["prefixItems"].map { value throws(SchemaLoadError) in try schemaArray(value, "prefixItems", &compiler) } ?? []
        var items: SchemaNode?
        if let value = members["items"] {
            if case .array = value {
                throw failure("items", "takes one schema in draft 2020-12; use 'prefixItems' for a schema per position")
            }
            items = try compiler.compile(value, at: position.child("items"))
        }
        return ArrayItems(prefixItems: prefix, items: items)
    }

    private func dependentRequired(_ value: JSONValue) throws(SchemaLoadError) -> [DependentRequirement] {
        guard case .object(let object) = value else {
            throw failure("dependentRequired", "must be an object whose values are arrays of property names")
        }
        var result: [DependentRequirement] = []
        for (name, names) in object.sorted(by: { $0.key < $1.key }) {
            result.append(DependentRequirement(name: name, required: try strings(names, at: "dependentRequired", name.string)))
        }
        return result
    }
}
