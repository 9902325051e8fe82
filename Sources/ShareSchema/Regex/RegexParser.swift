/// Parses the ECMA-262 subset this validator supports; refuses everything else by name.
struct RegexParser {
    private let scalars: [UInt32]
    private var index = 0

    init(_ pattern: String) {
        scalars = pattern.unicodeScalars.map(\.value)
    }

    static func parse(_ pattern: String) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexParser(pattern)
        let node = try parser.parseAlternation()
        if parser.index < parser.scalars.count {
            throw RegexSyntaxError(message: "unmatched ')' at position \(parser.index)")
        }
        return node
    }

    private static func scalar(_ value: UInt32) -> Unicode.Scalar { Unicode.Scalar(value) ?? "\u{FFFD}" }
    private static func text(_ value: UInt32) -> String { String(scalar(value)) }

    private var atEnd: Bool { index >= scalars.count }
    private func peek(_ offset: Int = 0) -> UInt32? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }
    private func peekIs(_ character: Unicode.Scalar, _ offset: Int = 0) -> Bool {
        peek(offset) == character.value
    }

    private mutating func parseAlternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try parseConcatenation()]
        while peekIs("|") {
            index += 1
            branches.append(try parseConcatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseConcatenation() throws(RegexSyntaxError) -> RegexNode {
        var items: [RegexNode] = []
        while !atEnd, !peekIs("|"), !peekIs(")") {
            items.append(try parseQuantified())
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .concatenation(items)
        }
    }

    private mutating func parseQuantified() throws(RegexSyntaxError) -> RegexNode {
        let start = index
        let atom = try parseAtom()
        guard let bounds = try parseQuantifier() else { return atom }
        if case .assertion = atom {
            throw RegexSyntaxError(message: "a quantifier follows an assertion at position \(start)")
        }
        if peekIs("?") { index += 1 }  // lazy: same language, so same answer to "does it match"
        return .repetition(atom, min: bounds.min, max: bounds.max)
    }

    /// Reads `* + ? {n} {n,} {n,m}` if one comes next.
    private mutating func parseQuantifier() throws(RegexSyntaxError) -> (min: Int, max: Int?)? {
        guard let next = peek() else { return nil }
        switch Self.scalar(next) {
        case "*": index += 1; return (0, nil)
        case "+": index += 1; return (1, nil)
        case "?": index += 1; return (0, 1)
        case "{":
            guard let (bounds, length) = braceQuantifier(at: index) else { return nil }
            index += length
            if let max = bounds.max, max < bounds.min {
                throw RegexSyntaxError(message: "the repetition {\(bounds.min),\(max)} has its numbers out of order")
            }
            return bounds
        default: return nil
        }
    }

    /// A `{n}`, `{n,}` or `{n,m}` starting at `position`, with its length; nil if the brace is a literal.
    private func braceQuantifier(at position: Int) -> ((min: Int, max: Int?), Int)? {
        var cursor = position + 1
        func number() -> Int? {
            var value: Int?
            while cursor < scalars.count, (0x30...0x39).contains(scalars[cursor]) {
                value = min((value ?? 0) * 10 + Int(scalars[cursor] - 0x30), 1_000_000)
                cursor += 1
            }
            return value
        }
        guard let minimum = number() else { return nil }
        var maximum: Int? = minimum
        if cursor < scalars.count, scalars[cursor] == 0x2C {
            cursor += 1
            maximum = number()
        }
        guard cursor < scalars.count, scalars[cursor] == 0x7D else { return nil }
        return ((minimum, maximum), cursor + 1 - position)
    }

    private mutating func parseAtom() throws(RegexSyntaxError) -> RegexNode {
        let start = index
        let character = scalars[index]
        index += 1
        switch Self.scalar(character) {
        case "^": return .assertion(.start)
        case "$": return .assertion(.end)
        case ".": return .set(.notLineTerminator)
        case "(":
            if peekIs("?") {
                if peekIs(":", 1) {
                    index += 2
                } else if peekIs("=", 1) || peekIs("!", 1) {
                    throw RegexSyntaxError(message: "lookahead '(?=...)' and '(?!...)' is not supported")
                } else if peekIs("<", 1), peekIs("=", 2) || peekIs("!", 2) {
                    throw RegexSyntaxError(message: "lookbehind is not supported")
                } else if peekIs("<", 1) {
                    throw RegexSyntaxError(message: "named groups '(?<name>...)' are not supported")
                } else {
                    throw RegexSyntaxError(message: "'(?' at position \(start) begins a construct that is not supported (flags, lookaround or named groups)")
                }
            }
            let inner = try parseAlternation()
            guard peekIs(")") else { throw RegexSyntaxError(message: "the group opened at position \(start) is not closed") }
            index += 1
            return inner
        case "[": return .set(try parseClass())
        case "\\": return try parseEscape()
        case "*", "+", "?":
            throw RegexSyntaxError(message: "nothing to repeat at position \(start)")
        case "{":
            if braceQuantifier(at: start) != nil { throw RegexSyntaxError(message: "nothing to repeat at position \(start)") }
            return .scalar(character)
        default:
            return .scalar(character)
        }
    }

    private mutating func parseEscape() throws(RegexSyntaxError) -> RegexNode {
        guard let character = peek() else { throw RegexSyntaxError(message: "the pattern ends with a lone backslash") }
        switch Self.scalar(character) {
        case "b": index += 1; return .assertion(.wordBoundary)
        case "B": index += 1; return .assertion(.notWordBoundary)
        default:
            switch try parseClassOrCharacterEscape(inClass: false) {
            case .scalar(let value): return .scalar(value)
            case .set(let set): return .set(set)
            }
        }
    }

    private enum ClassAtom {
        case scalar(UInt32)
        case set(ScalarSet)
    }

    /// The escape after a backslash (already consumed), in or out of a class.
    private mutating func parseClassOrCharacterEscape(inClass: Bool) throws(RegexSyntaxError) -> ClassAtom {
        guard let character = peek() else { throw RegexSyntaxError(message: "the pattern ends with a lone backslash") }
        let position = index - 1
        index += 1
        switch Self.scalar(character) {
        case "d": return .set(.digits)
        case "D": return .set(ScalarSet.digits.inverted())
        case "w": return .set(.word)
        case "W": return .set(ScalarSet.word.inverted())
        case "s": return .set(.space)
        case "S": return .set(ScalarSet.space.inverted())
        case "t": return .scalar(0x09)
        case "n": return .scalar(0x0A)
        case "v": return .scalar(0x0B)
        case "f": return .scalar(0x0C)
        case "r": return .scalar(0x0D)
        case "b" where inClass: return .scalar(0x08)
        case "0" where !(peek().map { (0x30...0x39).contains($0) } ?? false): return .scalar(0)
        case "x":
            guard let value = hexValue(digits: 2) else { throw RegexSyntaxError(message: "malformed \\x escape at position \(position)") }
            return .scalar(value)
        case "u":
            guard let value = hexValue(digits: 4) else {
                throw RegexSyntaxError(message: "malformed \\u escape at position \(position) (four hexadecimal digits are needed)")
            }
            if (0xD800...0xDBFF).contains(value), peekIs("\\"), peekIs("u", 1) {
                let saved = index
                index += 2
                if let low = hexValue(digits: 4), (0xDC00...0xDFFF).contains(low) {
                    return .scalar(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00))
                }
                index = saved
            }
            return .scalar(value)
        case "1", "2", "3", "4", "5", "6", "7", "8", "9":
            throw RegexSyntaxError(message: "backreferences such as '\\\(Self.text(character))' are not supported")
        case "k": throw RegexSyntaxError(message: "named backreferences '\\k<...>' are not supported")
        case "p", "P": throw RegexSyntaxError(message: "Unicode property escapes '\\p{...}' are not supported")
        case "c": throw RegexSyntaxError(message: "control escapes '\\c' are not supported")
        default:
            let isAlphanumeric = (0x30...0x39).contains(character) || (0x41...0x5A).contains(character) || (0x61...0x7A).contains(character)
            if isAlphanumeric {
                throw RegexSyntaxError(message: "the escape '\\\(Self.text(character))' is not supported")
            }
            return .scalar(character)
        }
    }

    private mutating func hexValue(digits: Int) -> UInt32? {
        guard index + digits <= scalars.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<digits {
            guard let digit = hexDigit(scalars[index + offset]) else { return nil }
            value = value * 16 + digit
        }
        index += digits
        return value
    }

    private func hexDigit(_ scalar: UInt32) -> UInt32? {
        switch scalar {
        case 0x30...0x39: scalar - 0x30
        case 0x41...0x46: scalar - 0x41 + 10
        case 0x61...0x66: scalar - 0x61 + 10
        default: nil
        }
    }

    /// A `[...]` class, the `[` already consumed.
    private mutating func parseClass() throws(RegexSyntaxError) -> ScalarSet {
        let start = index - 1
        var negated = false
        if peekIs("^") {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        while true {
            guard let character = peek() else { throw RegexSyntaxError(message: "the class opened at position \(start) is not closed") }
            if character == 0x5D {
                index += 1
                break
            }
            let first = try parseClassAtom()
            if peekIs("-"), let after = peek(1), after != 0x5D {
                index += 1
                let second = try parseClassAtom()
                switch (first, second) {
                case (.scalar(let low), .scalar(let high)):
                    guard low <= high else { throw RegexSyntaxError(message: "the class range at position \(start) has its ends out of order") }
                    ranges.append(low...high)
                default:
                    // Annex B: a range with a class escape at either end is the two sets and a literal '-'.
                    for atom in [first, second] { ranges += Self.ranges(of: atom) }
                    ranges.append(0x2D...0x2D)
                }
            } else {
                ranges += Self.ranges(of: first)
            }
        }
        let set = ScalarSet(ranges)
        return negated ? set.inverted() : set
    }

    private static func ranges(of atom: ClassAtom) -> [ClosedRange<UInt32>] {
        switch atom {
        case .scalar(let value): [value...value]
        case .set(let set): set.ranges
        }
    }

    private mutating func parseClassAtom() throws(RegexSyntaxError) -> ClassAtom {
        let character = scalars[index]
        index += 1
        if character == 0x5C { return try parseClassOrCharacterEscape(inClass: true) }
        return .scalar(character)
    }
}
