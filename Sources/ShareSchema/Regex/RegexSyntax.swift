/// The parsed form of a pattern. Greedy and lazy quantifiers are not told apart: only whether
/// the pattern matches somewhere is ever asked, and that does not depend on preference.
indirect enum RegexNode: Sendable {
    case empty
    case set(ScalarSet)
    case assertion(RegexAssertion)
    case concatenation([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)

    static func scalar(_ value: UInt32) -> RegexNode { .set(.single(value)) }

    /// Whether every match must begin at the start of the input.
    var isAnchoredAtStart: Bool {
        switch self {
        case .assertion(.start): true
        case .concatenation(let items): items.first?.isAnchoredAtStart ?? false
        case .alternation(let branches): !branches.isEmpty && branches.allSatisfy(\.isAnchoredAtStart)
        default: false
        }
    }
}

/// Zero-width assertions.
enum RegexAssertion: Sendable {
    case start, end, wordBoundary, notWordBoundary
}

/// Why a pattern was refused.
struct RegexSyntaxError: Error, Sendable {
    let message: String
}
