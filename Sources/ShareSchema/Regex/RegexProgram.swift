/// A pattern compiled to a Thompson NFA program, run by `RegexProgram.matches` in time linear
/// in the input (no backtracking, so no pattern can make validation hang).
final class RegexProgram: Sendable {
    enum Instruction: Sendable {
        /// Consume one scalar in `sets[index]`; the set's ASCII members are copied in as a bitmap.
        case set(low: UInt64, high: UInt64, index: Int)
        case split(Int, Int)
        case jump(Int)
        case assert(RegexAssertion)
        case match
    }

    /// Programs beyond this size (after expanding `{n,m}`) are refused.
    static let maximumSize = 20_000

    let source: String
    let instructions: [Instruction]
    let sets: [ScalarSet]
    let anchoredAtStart: Bool

    /// Compiles an ECMA-262 pattern; throws with the reason when it uses an unsupported construct.
    init(pattern: String) throws(RegexSyntaxError) {
        let tree = try RegexParser.parse(pattern)
        var builder = Builder()
        try builder.emit(tree)
        builder.instructions.append(.match)
        source = pattern
        instructions = builder.instructions
        sets = builder.sets
        anchoredAtStart = tree.isAnchoredAtStart
    }

    private struct Builder {
        var instructions: [Instruction] = []
        var sets: [ScalarSet] = []

        mutating func emit(_ node: RegexNode) throws(RegexSyntaxError) {
            if instructions.count > RegexProgram.maximumSize {
                throw RegexSyntaxError(message: "the pattern is too large once its repetition counts are expanded")
            }
            switch node {
            case .empty:
                break
            case .set(let set):
                sets.append(set)
                instructions.append(.set(low: set.asciiLow, high: set.asciiHigh, index: sets.count - 1))
            case .assertion(let assertion):
                instructions.append(.assert(assertion))
            case .concatenation(let items):
                for item in items { try emit(item) }
            case .alternation(let branches):
                var jumpsToEnd: [Int] = []
                for (offset, branch) in branches.enumerated() {
                    if offset < branches.count - 1 {
                        let split = instructions.count
                        instructions.append(.split(split + 1, -1))
                        try emit(branch)
                        jumpsToEnd.append(instructions.count)
                        instructions.append(.jump(-1))
                        instructions[split] = .split(split + 1, instructions.count)
                    } else {
                        try emit(branch)
                    }
                }
                for jump in jumpsToEnd { instructions[jump] = .jump(instructions.count) }
            case .repetition(let body, let minimum, let maximum):
                for _ in 0..<minimum { try emit(body) }
                if let maximum {
                    var splits: [Int] = []
                    for _ in minimum..<maximum {
                        splits.append(instructions.count)
                        instructions.append(.split(instructions.count + 1, -1))
                        try emit(body)
                    }
                    for split in splits { instructions[split] = .split(split + 1, instructions.count) }
                } else {
                    let loop = instructions.count
                    instructions.append(.split(loop + 1, -1))
                    try emit(body)
                    instructions.append(.jump(loop))
                    instructions[loop] = .split(loop + 1, instructions.count)
                }
            }
        }
    }
}
