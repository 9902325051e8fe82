import ShareModel

/// A keyword that checks the instance against plain values from the schema, with no subschemas:
/// item and member counts, `uniqueItems` and the number bounds. Copying one costs no reference counting.
enum Assertion: Sendable {
    /// `minItems` or `maxItems`.
    case itemCount(CountBound)
    case uniqueItems
    case number(NumberBound)
    /// `minProperties` or `maxProperties`.
    case memberCount(CountBound)

    /// Whether the instance passes; instances of another type always pass.
    func accepts(_ instance: JSONValue) -> Bool {
        switch instance {
        case .array(let array):
            if case .itemCount(let bound) = self { return bound.accepts(array.count) }
            if case .uniqueItems = self { return JSONEquality.firstDuplicate(in: array) == nil }
        case .number(let number):
            if case .number(let bound) = self { return bound.accepts(number) }
        case .object(let object):
            if case .memberCount(let bound) = self { return bound.accepts(object.count) }
        default:
            break
        }
        return true
    }

    /// The schema keyword this assertion comes from.
    var keyword: String {
        switch self {
        case .itemCount(let bound): bound.keyword("Items")
        case .uniqueItems: "uniqueItems"
        case .number(let bound): bound.keyword
        case .memberCount(let bound): bound.keyword("Properties")
        }
    }
}

/// A lower or upper limit on a count: of items, of members, or of a string's code points.
struct CountBound: Sendable {
    let limit: Int
    let isMinimum: Bool

    static func atLeast(_ limit: Int) -> CountBound { CountBound(limit: limit, isMinimum: true) }
    static func atMost(_ limit: Int) -> CountBound { CountBound(limit: limit, isMinimum: false) }

    func accepts(_ count: Int) -> Bool {
        isMinimum ? count >= limit : count <= limit
    }

    /// "minItems", "maxLength", …: the keyword for this bound on what `counted` names.
    func keyword(_ counted: String) -> String {
        (isMinimum ? "min" : "max") + counted
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum` or `multipleOf`.
enum NumberBound: Sendable {
    case minimum(Double)
    case maximum(Double)
    case exclusiveMinimum(Double)
    case exclusiveMaximum(Double)
    case multipleOf(Double)

    func accepts(_ number: Double) -> Bool {
        switch self {
        case .minimum(let limit): number >= limit
        case .maximum(let limit): number <= limit
        case .exclusiveMinimum(let limit): number > limit
        case .exclusiveMaximum(let limit): number < limit
        case .multipleOf(let divisor): Self.isMultiple(number, of: divisor)
        }
    }

    /// Whether the quotient is whole; when it overflows (1e308 / 0.5), whether the remainder,
    /// which is exact, is zero.
    private static func isMultiple(_ number: Double, of divisor: Double) -> Bool {
        let quotient = number / divisor
        return quotient.isFinite ? quotient.isWholeNumber : number.truncatingRemainder(dividingBy: divisor) == 0
    }

    var keyword: String {
        switch self {
        case .minimum: "minimum"
        case .maximum: "maximum"
        case .exclusiveMinimum: "exclusiveMinimum"
        case .exclusiveMaximum: "exclusiveMaximum"
        case .multipleOf: "multipleOf"
        }
    }
}
