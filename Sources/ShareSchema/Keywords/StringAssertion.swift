/// A keyword that applies only to strings: `minLength`, `maxLength`, `pattern` or `format`.
enum StringAssertion: Sendable {
    /// `minLength` or `maxLength`, in Unicode code points.
    case length(CountBound)
    case pattern(RegexProgram)
    case format(StringFormat)

    func accepts(_ string: String) -> Bool {
        switch self {
        case .length(let bound): bound.isMinimum ? StringLength.isAtLeast(string, bound.limit) : StringLength.isAtMost(string, bound.limit)
        case .pattern(let program): program.matches(string)
        case .format(let format): format.accepts(string)
        }
    }

    /// The schema keyword this assertion comes from.
    var keyword: String {
        switch self {
        case .length(let bound): bound.keyword("Length")
        case .pattern: "pattern"
        case .format: "format"
        }
    }
}

/// A node's string assertions, fused so `isValid` unpacks a string once.
final class StringAssertions: Sendable {
    let assertions: [StringAssertion]

    init(_ assertions: [StringAssertion]) {
        self.assertions = assertions
    }

    func accepts(_ string: String) -> Bool {
        assertions.allSatisfy { $0.accepts(string) }
    }
}

/// String lengths in Unicode code points, skipping the count when the UTF-8 size settles it.
enum StringLength {
    static func isAtLeast(_ string: String, _ limit: Int) -> Bool {
        let bytes = string.utf8.count
        if bytes < limit { return false }
        if bytes >= limit * 4 { return true }
        return string.unicodeScalars.count >= limit
    }

    static func isAtMost(_ string: String, _ limit: Int) -> Bool {
        let bytes = string.utf8.count
        if bytes <= limit { return true }
        return string.unicodeScalars.count <= limit
    }
}
