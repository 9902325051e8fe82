import ShareModel

/// What an error message says after its subject, for the assertions that failed.
extension Assertion {
    func requirement(for instance: JSONValue) -> String {
        switch self {
        case .itemCount(let bound):
            return "must have \(bound.requirement(Describe.count(bound.limit, "item"))); it has \(instance.arrayValue?.count ?? 0)."
        case .uniqueItems:
            let pair = instance.arrayValue.flatMap(JSONEquality.firstDuplicate(in:))
            return "must not repeat an item; items \(pair?.0 ?? 0) and \(pair?.1 ?? 0) are equal."
        case .number(let bound):
            return "must be \(bound.requirement)."
        case .memberCount(let bound):
            return "must have \(bound.requirement(Describe.count(bound.limit, "member"))); it has \(instance.objectValue?.count ?? 0)."
        }
    }
}

extension StringAssertion {
    func requirement(for string: String) -> String {
        switch self {
        case .length(let bound):
            "must be \(bound.requirement(Describe.count(bound.limit, "character"))) (Unicode code points) long; it is \(string.unicodeScalars.count)."
        case .pattern(let program):
            "must match the pattern \(program.source); this value does not."
        case .format(let format):
            format.requirement(for: string)
        }
    }
}

extension CountBound {
    /// "at least 2 items", given "2 items".
    func requirement(_ amount: String) -> String {
        (isMinimum ? "at least " : "at most ") + amount
    }
}

extension NumberBound {
    /// "at least 0", "a multiple of 0.5".
    var requirement: String {
        switch self {
        case .minimum(let limit): "at least \(Describe.number(limit))"
        case .maximum(let limit): "at most \(Describe.number(limit))"
        case .exclusiveMinimum(let limit): "greater than \(Describe.number(limit))"
        case .exclusiveMaximum(let limit): "less than \(Describe.number(limit))"
        case .multipleOf(let divisor): "a multiple of \(Describe.number(divisor))"
        }
    }
}
