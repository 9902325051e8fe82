import ShareModel
import ShareSchema
import Testing

/// JSON Schema compares strings code point by code point. "\u00e4" (ä) and "a\u0308" (a and a
/// combining diaeresis) are canonically equivalent, so Swift's `String ==` calls them equal;
/// every keyword here must tell them apart.
@Suite("strings compared by code point")
struct CodePointEqualityTests {
    @Test func constAndEnum() throws {
        for schema in [#"{"const": "\u00e4"}"#, #"{"enum": ["\u00e4", 1]}"#, #"{"enum": ["x", "\u00e4"]}"#] {
            let validator = try validator(schema)
            #expect(try validator.accepts(#""\u00e4""#), "\(schema)")
            #expect(try !validator.accepts(#""a\u0308""#), "\(schema)")
        }
        let nested = try validator(#"{"const": {"k": ["\u00e4"]}}"#)
        #expect(try nested.accepts(#"{"k": ["\u00e4"]}"#))
        #expect(try !nested.accepts(#"{"k": ["a\u0308"]}"#))
        #expect(try !nested.accepts(#"{"k": ["\u00e4"], "\u00e4": 1}"#))
        let names = try validator(#"{"enum": [{"\u00e4": 1}]}"#)
        #expect(try !names.accepts(#"{"a\u0308": 1}"#))
    }

    @Test func uniqueItems() throws {
        let schema = try validator(#"{"uniqueItems": true}"#)
        #expect(try schema.accepts(#"["\u00e4", "a\u0308"]"#))
        #expect(try schema.accepts(#"[{"\u00e4": 1}, {"a\u0308": 1}]"#))
        #expect(try !schema.accepts(#"["\u00e4", "\u00e4"]"#))
        // More than sixteen items are compared through hashing.
        let filler = (0..<20).map { "\($0)" }.joined(separator: ", ")
        #expect(try schema.accepts(#"[\#(filler), "\u00e4", "a\u0308", {"\u00e4": 1}, {"a\u0308": 1}]"#))
        #expect(try !schema.accepts(#"[\#(filler), "a\u0308", "a\u0308"]"#))
    }

    @Test func propertiesRequiredAndAdditionalProperties() throws {
        let schema = try validator(#"""
        {"properties": {"\u00e4": {"type": "string"}}, "required": ["\u00e4"], "additionalProperties": false}
        """#)
        #expect(try schema.accepts(#"{"\u00e4": "x"}"#))
        let missing = try schema.errors(#"{"a\u0308": "x"}"#)
        #expect(missing.map(\.keyword) == ["required", "additionalProperties"])
        #expect(missing.map(\.pointer) == [JSONPointer(["\u{E4}"]), .root])
        let wrongType = try schema.errors(#"{"\u00e4": 1, "a\u0308": "x"}"#)
        #expect(wrongType.map(\.keyword) == ["type", "additionalProperties"])
        #expect(wrongType.map(\.instanceLocation) == [JSONPointer(["\u{E4}"]), .root])
        #expect(try loadError(#"{"required": ["\u00e4", "a\u0308"]}"#) == nil)
    }

    @Test func dependencies() throws {
        let required = try validator(#"{"dependentRequired": {"\u00e4": ["b"]}}"#)
        #expect(try required.accepts(#"{"a\u0308": 1}"#))
        #expect(try !required.accepts(#"{"\u00e4": 1}"#))
        let schemas = try validator(#"{"dependentSchemas": {"\u00e4": false}}"#)
        #expect(try schemas.accepts(#"{"a\u0308": 1}"#))
        #expect(try !schemas.accepts(#"{"\u00e4": 1}"#))
    }

    // Two $defs whose names differ only by normalisation are two subschemas, each reachable by its pointer.
    @Test func definitionsAndReferences() throws {
        let schema = try validator(#"""
        {"$defs": {"\u00e4": {"type": "string"}, "a\u0308": {"type": "integer"}},
         "properties": {"s": {"$ref": "#/$defs/%C3%A4"}, "i": {"$ref": "#/$defs/a%CC%88"}}}
        """#)
        #expect(try schema.accepts(#"{"s": "x", "i": 1}"#))
        #expect(try schema.failures(#"{"s": 1, "i": "x"}"#) == ["/i type", "/s type"])
    }

    // A "/" or "~" followed by a combining mark is still a delimiter in a $ref's URI and pointer.
    @Test func delimitersBeforeCombiningMarks() throws {
        let catalogue = try catalogue([
            ("http://example.org/dir/\u{301}x.json", #"{"type": "integer"}"#),
            ("http://example.org/dir/sub/root.json", #"""
            {"$defs": {"/\u0301": {"type": "string"}},
             "properties": {"up": {"$ref": "../\u0301x.json"}, "slash": {"$ref": "#/$defs/~1\u0301"}}}
            """#),
        ])
        let schema = try #require(catalogue.validator(for: "http://example.org/dir/sub/root.json"))
        #expect(try schema.accepts(#"{"up": 1, "slash": "x"}"#))
        #expect(try schema.failures(#"{"up": "x", "slash": 1}"#) == ["/slash type", "/up type"])
    }
}
