import ShareModel
import ShareSchema
import Testing

/// Whether `pattern` (ECMA-262, as the `pattern` keyword uses it) matches `text`.
private func matches(_ pattern: String, _ text: String) throws -> Bool {
    let catalogue = try SchemaCatalogue([SchemaDocument(json: .object(["pattern": .string(pattern)]), retrievalURI: "urn:regex")])
    return try #require(catalogue.validator(for: "urn:regex")).isValid(.string(text))
}

/// Why `pattern` is refused at load, or nil if it loads.
private func refusal(_ pattern: String) -> String? {
    do {
        _ = try SchemaCatalogue([SchemaDocument(json: .object(["pattern": .string(pattern)]), retrievalURI: "urn:regex")])
        return nil
    } catch {
        return error.message
    }
}

@Suite("The regular expression engine behind pattern and patternProperties")
struct RegexTests {
    // ^ and $ anchor to the whole string (no multiline), and unanchored patterns search.
    @Test func anchors() throws {
        #expect(try matches("^ab", "abc"))
        #expect(try !matches("^bc", "abc"))
        #expect(try matches("bc$", "abc"))
        #expect(try !matches("ab$", "abc"))
        #expect(try !matches("^a$", "a\nb"))
        #expect(try matches("", "anything"))
    }

    // Classes: ranges, negation, escapes inside and outside, a literal '-' at the edges.
    @Test func characterClasses() throws {
        #expect(try matches("^[a-c]+$", "abcab"))
        #expect(try !matches("^[a-c]+$", "abd"))
        #expect(try matches("^[^0-9]+$", "abc"))
        #expect(try !matches("^[^0-9]+$", "ab1"))
        #expect(try matches("^[\\d-]+$", "12-34"))
        #expect(try matches("^[a-]$", "-"))
        #expect(try matches("^[\\w.]+$", "a_b.c9"))
        #expect(try !matches("^[\\w.]+$", "a b"))
        #expect(try matches("^\\D\\W\\S$", "a!x"))
        #expect(try matches("^[\\s]$", "\u{A0}"))
        #expect(try matches("^\\s$", "\u{2003}"))
        #expect(try !matches("^\\d$", "\u{0663}"))
        #expect(try matches("^[\\]\\\\]+$", "]\\"))
    }

    // '.' matches any scalar (an emoji included) but not line terminators.
    @Test func dot() throws {
        #expect(try matches("^.$", "\u{1F600}"))
        #expect(try matches("^.$", "é"))
        #expect(try !matches("^.$", "\n"))
        #expect(try !matches("^.$", "\u{2028}"))
    }

    // Escapes: \. \/ \- \\ \t \n \uXXXX (surrogate pairs combined), \xHH.
    @Test func escapes() throws {
        #expect(try matches("^a\\.b$", "a.b"))
        #expect(try !matches("^a\\.b$", "axb"))
        #expect(try matches("^\\/\\-\\\\$", "/-\\"))
        #expect(try matches("^\\t\\n\\r\\f\\v$", "\t\n\r\u{0C}\u{0B}"))
        #expect(try matches("^\\u00e9$", "é"))
        #expect(try matches("^\\ud83d\\ude00$", "\u{1F600}"))
        #expect(try matches("^\\x41$", "A"))
    }

    // Quantifiers: * + ? and {n} {n,} {n,m}, greedy and lazy, and a literal '{' that is not a quantifier.
    @Test func quantifiers() throws {
        #expect(try matches("^a{3}$", "aaa"))
        #expect(try !matches("^a{3}$", "aa"))
        #expect(try !matches("^a{3}$", "aaaa"))
        #expect(try matches("^a{2,}$", "aaaaa"))
        #expect(try !matches("^a{2,}$", "a"))
        #expect(try matches("^a{1,3}b$", "aaab"))
        #expect(try !matches("^a{1,3}b$", "aaaab"))
        #expect(try matches("^a*?b+?c??$", "aabb"))
        #expect(try matches("^x?$", ""))
        #expect(try matches("^a{1,2}?$", "aa"))
        #expect(try matches("^a{,2}$", "a{,2}"))
        #expect(try matches("^[0-9]{8}-[0-9]{4}$", "12345678-1234"))
    }

    // Groups, non-capturing groups and alternation, including empty alternatives.
    @Test func groupsAndAlternation() throws {
        #expect(try matches("^(ab)+$", "ababab"))
        #expect(try !matches("^(ab)+$", "aba"))
        #expect(try matches("^(?:red|amber|green)$", "amber"))
        #expect(try !matches("^(?:red|amber|green)$", "blue"))
        #expect(try matches("^(a|)b$", "b"))
        #expect(try matches("cat|dog", "hotdog"))
        #expect(try matches("^(art9-2-[a-j]|dpa-sch1-[0-9]{1,2})$", "dpa-sch1-12"))
    }

    // \b and \B use ASCII word characters.
    @Test func wordBoundaries() throws {
        #expect(try matches("\\bcat\\b", "a cat sat"))
        #expect(try !matches("\\bcat\\b", "concatenate"))
        #expect(try matches("\\Bcat\\B", "concatenate"))
        #expect(try matches("^\\b", "a"))
    }

    // Patterns that make backtracking engines take exponential time finish at once here.
    @Test func noCatastrophicBacktracking() throws {
        let text = String(repeating: "a", count: 5000) + "!"
        #expect(try !matches("^(a+)+$", text))
        #expect(try !matches("^(a|aa)*$", text))
        #expect(try !matches("^(a*)*b$", text))
    }

    // Lookaround, backreferences, named groups, \p{...}, flags and malformed patterns are refused, naming the construct.
    @Test func unsupportedConstructsAreRefused() {
        #expect(refusal("a(?=b)")?.contains("lookahead") == true)
        #expect(refusal("a(?!b)")?.contains("lookahead") == true)
        #expect(refusal("(?<=a)b")?.contains("lookbehind") == true)
        #expect(refusal("(a)\\1")?.contains("backreference") == true)
        #expect(refusal("(?<year>\\d{4})")?.contains("named groups") == true)
        #expect(refusal("\\p{L}")?.contains("\\p{...}") == true)
        #expect(refusal("(?i)abc")?.contains("not supported") == true)
        #expect(refusal("\\k<x>")?.contains("named backreferences") == true)
        #expect(refusal("\\q")?.contains("'\\q' is not supported") == true)
        #expect(refusal("(ab")?.contains("not closed") == true)
        #expect(refusal("ab)")?.contains("unmatched ')'") == true)
        #expect(refusal("[ab")?.contains("not closed") == true)
        #expect(refusal("*a")?.contains("nothing to repeat") == true)
        #expect(refusal("a{3,2}")?.contains("out of order") == true)
        #expect(refusal("[z-a]")?.contains("out of order") == true)
        #expect(refusal("^*")?.contains("assertion") == true)
        #expect(refusal("a{100000}")?.contains("too large") == true)
        #expect(refusal("^[a-z]{1,62}$") == nil)
    }
}
