import ShareModel

/// Where in the instance error collection is, and how to name that place in a message.
struct InstanceLocation {
    let pointer: JSONPointer
    /// The member name when the location is an object member.
    let propertyName: String?

    static let root = InstanceLocation(pointer: .root, propertyName: nil)

    func member(_ name: String) -> InstanceLocation {
        InstanceLocation(pointer: pointer.appending(name), propertyName: name)
    }

    func item(_ index: Int) -> InstanceLocation {
        InstanceLocation(pointer: pointer.appending(index), propertyName: nil)
    }

    /// The sentence subject: the member's name when there is one.
    var subject: String { propertyName.map { "'\($0)'" } ?? "This value" }
}

/// The full evaluation, run only on instances already known to be invalid: records every error
/// with its locations, walking objects in sorted member order so the output is deterministic.
struct ErrorCollector {
    private(set) var errors: [SchemaError] = []

    mutating func collect(_ node: SchemaNode, _ instance: JSONValue, at location: InstanceLocation, path: String) {
        if node.isValid(instance) { return }  // prunes valid subtrees cheaply
        if node.isFalse {
            errors.append(SchemaError(
                instanceLocation: location.pointer, keywordLocation: path,
                absoluteKeywordLocation: node.documentID + "#" + node.pointer, keyword: "false",
                message: "\(location.subject) is not allowed here.", pointer: location.pointer
            ))
            return
        }
        for keyword in node.keywords {
            collect(keyword, of: node, instance, at: location, path: path)
        }
    }

    private mutating func report(
        _ keyword: String, of node: SchemaNode, at location: InstanceLocation, path: String, _ message: String, pointer: JSONPointer? = nil
    ) {
        errors.append(SchemaError(
            instanceLocation: location.pointer, keywordLocation: path + "/" + keyword,
            absoluteKeywordLocation: node.documentID + "#" + node.pointer + "/" + keyword, keyword: keyword,
            message: message, pointer: pointer ?? location.pointer
        ))
    }

    /// Reports the keyword's errors; keywords that pass report none.
    private mutating func collect(_ keyword: Keyword, of node: SchemaNode, _ instance: JSONValue, at location: InstanceLocation, path: String) {
        let subject = location.subject
        switch keyword {
        case .ref(let target):
            collect(target.node, instance, at: location, path: path + "/$ref")
        case .type(let types):
            guard !types.contains(typeOf: instance) else { return }
            report("type", of: node, at: location, path: path, "\(subject) must be \(Describe.types(types)); got \(Describe.received(instance, against: types)).")
        case .enumeration(let values):
            guard !values.contains(instance) else { return }
            report("enum", of: node, at: location, path: path, "\(subject) must be one of \(Describe.list(values.values)); got \(Describe.article(instance)) that is none of these.")
        case .const(let values):
            guard !values.contains(instance) else { return }
            report("const", of: node, at: location, path: path, "\(subject) must be exactly \(Describe.value(values.values[0])); got \(Describe.article(instance)) that differs.")
        case .objectMembers(let members):
            guard case .object(let object) = instance else { return }
            collectMembers(members, of: node, object, at: location, path: path)
        case .arrayItems(let items):
            guard case .array(let array) = instance else { return }
            for (index, item) in array.enumerated() {
                if index < items.prefixItems.count {
                    collect(items.prefixItems[index], item, at: location.item(index), path: path + "/prefixItems/\(index)")
                } else if let schema = items.items {
                    collect(schema, item, at: location.item(index), path: path + "/items")
                }
            }
        case .assertion(let assertion):
            guard !assertion.accepts(instance) else { return }
            report(assertion.keyword, of: node, at: location, path: path, "\(subject) \(assertion.requirement(for: instance))")
        case .string(let assertion):
            guard case .string(let string) = instance, !assertion.accepts(string) else { return }
            report(assertion.keyword, of: node, at: location, path: path, "\(subject) \(assertion.requirement(for: string))")
        case .allOf(let schemas):
            for (index, schema) in schemas.nodes.enumerated() {
                collect(schema, instance, at: location, path: path + "/allOf/\(index)")
            }
        case .anyOf(let schemas):
            guard !schemas.someAccepts(instance) else { return }
            report("anyOf", of: node, at: location, path: path, "\(subject) matches none of the \(schemas.nodes.count) alternatives\(closest(schemas.nodes, "anyOf", instance, location, path))")
        case .oneOf(let schemas):
            guard !schemas.exactlyOneAccepts(instance) else { return }
            let count = schemas.nodes.count
            let matching = schemas.nodes.indices.filter { schemas.nodes[$0].isValid(instance) }
            if matching.isEmpty {
                report("oneOf", of: node, at: location, path: path, "\(subject) matches none of the \(count) alternatives, and must match exactly one\(closest(schemas.nodes, "oneOf", instance, location, path))")
            } else {
                let names = matching.map { "oneOf/\($0)" }.joined(separator: ", ")
                report("oneOf", of: node, at: location, path: path, "\(subject) must match exactly one of the \(count) alternatives, but matches \(matching.count): \(names).")
            }
        case .not(let schema):
            guard schema.isValid(instance) else { return }
            report("not", of: node, at: location, path: path, "\(subject) must not match the schema under 'not', but it does.")
        case .conditional(let condition, let then, let otherwise):
            if condition.isValid(instance) {
                if let then { collect(then, instance, at: location, path: path + "/then") }
            } else if let otherwise {
                collect(otherwise, instance, at: location, path: path + "/else")
            }
        case .dependentRequired(let requirements):
            guard case .object(let object) = instance else { return }
            for requirement in requirements where object[requirement.name] != nil {
                for name in requirement.required where object[name] == nil {
                    report("dependentRequired", of: node, at: location, path: path, "'\(name)' is missing, and it is required when '\(requirement.name)' is present.", pointer: location.pointer.appending(name.string))
                }
            }
        case .dependentSchemas(let dependencies):
            guard case .object(let object) = instance else { return }
            for dependency in dependencies where object[dependency.name] != nil {
                collect(dependency.schema, instance, at: location, path: path + "/dependentSchemas/" + JSONPointer.escaped(dependency.name.string))
            }
        }
    }

    private mutating func collectMembers(_ members: ObjectMembers, of node: SchemaNode, _ object: [JSONKey: JSONValue], at location: InstanceLocation, path: String) {
        for (name, schema) in members.sortedProperties {
            if let value = object[name] {
                collect(schema, value, at: location.member(name.string), path: path + "/properties/" + JSONPointer.escaped(name.string))
            }
        }
        for name in members.required where object[name] == nil {
            report("required", of: node, at: location, path: path, "'\(name)' is missing, and it is required.", pointer: location.pointer.appending(name.string))
        }
        let names = object.keys.sorted()
        if let additional = members.additionalProperties {
            let unexpected = names.filter { !members.isDeclared($0) }
            if additional.isFalse, !unexpected.isEmpty {
                let list = unexpected.map { "'\($0)'" }.joined(separator: ", ")
                let noun = unexpected.count == 1 ? "a member" : "members"
                report("additionalProperties", of: node, at: location, path: path, "\(location.subject) has \(noun) that this schema does not allow: \(list).")
            } else {
                for name in unexpected {
                    if let value = object[name] {
                        collect(additional, value, at: location.member(name.string), path: path + "/additionalProperties")
                    }
                }
            }
        }
        for name in names {
            guard let value = object[name] else { continue }
            for entry in members.patternProperties where entry.pattern.matches(name.string) {
                collect(entry.schema, value, at: location.member(name.string), path: path + "/patternProperties/" + JSONPointer.escaped(entry.pattern.source))
            }
        }
    }

    /// "; the closest, anyOf/1, failed because: ...", or "." — the alternative whose errors reach deepest,
    /// preferring one that did not just fail on the value's type.
    private func closest(_ schemas: [SchemaNode], _ keyword: String, _ instance: JSONValue, _ location: InstanceLocation, _ path: String) -> String {
        var best: (index: Int, score: (Int, Int, Int), errors: [SchemaError])?
        for (index, schema) in schemas.enumerated() {
            var collector = ErrorCollector()
            collector.collect(schema, instance, at: location, path: path + "/\(keyword)/\(index)")
            let errors = collector.errors
            let onlyType = errors.allSatisfy { $0.keyword == "type" && $0.instanceLocation == location.pointer }
            let depth = errors.map(\.pointer.tokens.count).max() ?? 0
            let score = (onlyType ? 0 : 1, depth, -errors.count)
            if best == nil || score > (best?.score ?? score) { best = (index, score, errors) }
        }
        guard let best, !best.errors.isEmpty else { return "." }
        let shown = best.errors.prefix(3).map { error in
            error.instanceLocation == location.pointer ? error.message : "At \(error.instanceLocation): \(error.message)"
        }
        let more = best.errors.count > 3 ? " (And \(best.errors.count - 3) more.)" : ""
        return "; the closest, \(keyword)/\(best.index), failed because: \(shown.joined(separator: " "))\(more)"
    }
}
