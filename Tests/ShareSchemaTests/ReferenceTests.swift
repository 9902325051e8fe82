import Foundation
import ShareModel
import ShareSchema
import Testing

@Suite("$ref, $id and $defs")
struct ReferenceTests {
    // A recursive tree schema validates a deep instance and terminates, reporting errors deep down.
    @Test func recursiveSchemaValidatesDeepInstances() throws {
        let schema = try validator(##"""
        {"$defs": {"node": {"type": "object", "required": ["value"],
                            "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}}}},
         "$ref": "#/$defs/node"}
        """##)
        var deep = ##"{"value": 0}"##
        for depth in 1...150 { deep = ##"{"value": \##(depth), "children": [\##(deep)]}"## }
        #expect(try schema.accepts(deep))
        let broken = deep.replacingOccurrences(of: ##"{"value": 0}"##, with: ##"{"value": "zero"}"##)
        let errors = try schema.errors(broken)
        #expect(errors.count == 1)
        #expect(errors.first?.instanceLocation.tokens.count == 1 + 150 * 2)
        #expect(errors.first?.keywordLocation.hasPrefix("/$ref/properties/children/items/$ref/properties/children/items/$ref") == true)
    }

    // A $ref that leads straight back to itself (or round a loop of in-place keywords) is refused at load, so validation cannot hang.
    @Test func selfReferenceIsRefusedAtLoad() throws {
        let direct = try #require(try loadError(##"{"$ref": "#"}"##))
        #expect(direct.documentID == "urn:test:schema")
        #expect(direct.location == "/$ref")
        #expect(direct.message.contains("never end"))
        let loop = try #require(try loadError(##"{"$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"anyOf": [{"$ref": "#/$defs/a"}]}}}"##))
        #expect(loop.location.hasSuffix("/$ref"))
    }

    // $ref sits alongside sibling keywords in 2020-12: both apply.
    @Test func refSiblingsStillApply() throws {
        let schema = try validator(##"{"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 2}"##)
        #expect(try schema.accepts(#""ab""#))
        #expect(try schema.failures("1") == [" type"])
        #expect(try schema.failures(#""abc""#) == [" maxLength"])
    }

    // $refs resolve across documents by $id, including fragments into the other document.
    @Test func crossDocumentReferences() throws {
        let catalogue = try catalogue([
            ("file:///schemas/common.schema.json", ##"{"$id": "urn:sharebroker:schema:common", "$defs": {"agencyId": {"type": "string", "pattern": "^[a-z-]+$"}}}"##),
            ("file:///schemas/envelope.schema.json", ##"{"$id": "urn:sharebroker:schema:envelope", "properties": {"sender": {"$ref": "urn:sharebroker:schema:common#/$defs/agencyId"}}}"##),
        ])
        #expect(catalogue.documentIDs == ["urn:sharebroker:schema:common", "urn:sharebroker:schema:envelope"])
        let envelope = try #require(catalogue.validator(for: "urn:sharebroker:schema:envelope"))
        #expect(envelope.isValid(try json(##"{"sender": "example-council"}"##)))
        let errors = envelope.validate(try json(##"{"sender": "Example Council"}"##))
        #expect(errors.map(\.keywordLocation) == ["/properties/sender/$ref/pattern"])
        #expect(errors.map(\.absoluteKeywordLocation) == ["urn:sharebroker:schema:common#/$defs/agencyId/pattern"])
        // Validators for subschemas by fragment, and documents by retrieval URI too.
        let agency = try #require(catalogue.validator(for: "urn:sharebroker:schema:common#/$defs/agencyId"))
        #expect(!agency.isValid(.string("A")))
        #expect(catalogue.validator(for: "file:///schemas/envelope.schema.json") != nil)
        #expect(catalogue.validator(for: "urn:sharebroker:schema:missing") == nil)
        #expect(catalogue.validator(for: "urn:sharebroker:schema:common#/$defs/nothing") == nil)
        #expect(catalogue.document("urn:sharebroker:schema:common")?["$defs"] != nil)
    }

    // A subschema's $id changes the base URI for relative $refs inside it, and is addressable itself.
    @Test func embeddedIdChangesTheBase() throws {
        let catalogue = try catalogue([("https://example.org/schemas/root.json", ##"""
        {"properties": {
           "person": {"$id": "people/person.json", "$defs": {"name": {"type": "string"}},
                      "properties": {"name": {"$ref": "#/$defs/name"}, "friend": {"$ref": "person.json"}}},
           "other": {"$ref": "people/person.json#/$defs/name"}}}
        """##)])
        let root = try #require(catalogue.validator(for: "https://example.org/schemas/root.json"))
        #expect(root.isValid(try json(##"{"person": {"name": "a", "friend": {"name": "b"}}, "other": "c"}"##)))
        #expect(!root.isValid(try json(##"{"person": {"friend": {"name": 1}}}"##)))
        #expect(!root.isValid(try json(##"{"other": 1}"##)))
        let person = try #require(catalogue.validator(for: "https://example.org/schemas/people/person.json"))
        #expect(!person.isValid(try json(##"{"name": 2}"##)))
        // Relative references resolve per RFC 3986, dot segments included.
        let relative = try ShareSchemaTests.catalogue([("https://example.org/a/b/root.json", ##"{"$ref": "../c/leaf.json"}"##),
                                      ("https://example.org/a/c/leaf.json", ##"{"type": "null"}"##)])
        #expect(try #require(relative.validator(for: "https://example.org/a/b/root.json")).isValid(.null))
    }

    // Pointer fragments are percent-decoded and ~0/~1-unescaped.
    @Test func escapedPointerFragments() throws {
        let schema = try validator(##"{"$defs": {"a/b": {"type": "integer"}, "c~d e": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a~1b"}, "y": {"$ref": "#/$defs/c~0d%20e"}}}"##)
        #expect(try schema.accepts(##"{"x": 1, "y": "s"}"##))
        #expect(try !schema.accepts(##"{"x": "1"}"##))
        #expect(try !schema.accepts(##"{"y": 1}"##))
    }
}
