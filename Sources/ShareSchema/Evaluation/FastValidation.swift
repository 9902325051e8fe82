import ShareModel

/// The yes/no evaluation: stops at the first failure and builds no paths or strings.
extension SchemaNode {
    func isValid(_ instance: JSONValue) -> Bool {
        if isFalse { return false }
        if let types, !types.contains(typeOf: instance) { return false }
        for index in fastKeywords.indices where !fastKeywords[index].accepts(instance) {
            return false
        }
        return true
    }
}

extension FastKeyword {
    func accepts(_ instance: JSONValue) -> Bool {
        switch self {
        case .ref(let target):
            return target._withUnsafeGuaranteedRef { $0.target }.isValid(instance)
        case .enumeration(let values):
            return values._withUnsafeGuaranteedRef { $0.contains(instance) }
        case .objectMembers(let members):
            guard case .object(let object) = instance else { return true }
            return members._withUnsafeGuaranteedRef { $0.accepts(object) }
        case .arrayItems(let items):
            guard case .array(let array) = instance else { return true }
            return items._withUnsafeGuaranteedRef { $0.accepts(array) }
        case .assertion(let assertion):
            return assertion.accepts(instance)
        case .strings(let assertions):
            guard case .string(let string) = instance else { return true }
            return assertions._withUnsafeGuaranteedRef { $0.accepts(string) }
        case .allOf(let schemas):
            return schemas._withUnsafeGuaranteedRef { $0.allAccept(instance) }
        case .anyOf(let schemas):
            return schemas._withUnsafeGuaranteedRef { $0.someAccepts(instance) }
        case .oneOf(let schemas):
            return schemas._withUnsafeGuaranteedRef { $0.exactlyOneAccepts(instance) }
        case .not(let schema):
            return !schema.isValid(instance)
        case .conditional(let condition, let then, let otherwise):
            if condition.isValid(instance) { return then?.isValid(instance) ?? true }
            return otherwise?.isValid(instance) ?? true
        case .dependentRequired(let requirements):
            guard case .object(let object) = instance else { return true }
            return requirements._withUnsafeGuaranteedRef { DependentRequirement.areMet(by: object, $0.list) }
        case .dependentSchemas(let dependencies):
            guard case .object(let object) = instance else { return true }
            return dependencies._withUnsafeGuaranteedRef { dependencies in
                dependencies.list.allSatisfy { object[$0.name] == nil || $0.schema.isValid(instance) }
            }
        }
    }
}

extension DependentRequirement {
    static func areMet(by object: [JSONKey: JSONValue], _ requirements: [DependentRequirement]) -> Bool {
        for requirement in requirements where object[requirement.name] != nil {
            for name in requirement.required where object[name] == nil { return false }
        }
        return true
    }
}

extension ObjectMembers {
    /// One pass over the members: each name is looked up once, and required names with a
    /// `properties` entry are counted rather than looked up.
    func accepts(_ object: [JSONKey: JSONValue]) -> Bool {
        if object.count < required.count { return false }
        for name in requiredElsewhere where object[name] == nil { return false }
        if properties.entries.isEmpty, patternProperties.isEmpty, additionalProperties == nil { return true }
        var requiredSeen = 0
        for (name, value) in object {
            var declared = false
            if let index = properties.index(of: name) {
                declared = true
                if properties.isRequired[index] { requiredSeen += 1 }
                if !properties.unownedSchemas[index].isValid(value) { return false }
            }
            if !patternProperties.isEmpty {
                for entry in patternProperties where entry.pattern.matches(name.string) {
                    declared = true
                    if !entry.schema.isValid(value) { return false }
                }
            }
            if !declared, let additional = unownedAdditionalProperties, !additional.isValid(value) { return false }
        }
        return requiredSeen == requiredWithSchema
    }
}

extension ArrayItems {
    func accepts(_ array: [JSONValue]) -> Bool {
        for (index, item) in array.enumerated() {
            if index < unownedPrefixItems.count {
                if !unownedPrefixItems[index].isValid(item) { return false }
            } else if let items = unownedItems {
                if !items.isValid(item) { return false }
            } else {
                return true
            }
        }
        return true
    }
}
