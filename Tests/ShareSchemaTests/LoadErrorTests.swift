import ShareModel
import ShareSchema
import Testing

@Suite("Schemas the catalogue refuses to load")
struct LoadErrorTests {
    // Keywords outside the supported set are refused, naming the document, the pointer and the keyword.
    @Test(arguments: ["contains", "unevaluatedProperties", "$dynamicRef", "$anchor", "propertyNames", "dependencies", "minContains", "$vocabulary", "contentMediaType", "definitions"])
    func unsupportedKeyword(keyword: String) throws {
        let error = try #require(try loadError(#"{"properties": {"a": {"items": {"\#(keyword)": {}}}}}"#))
        #expect(error.documentID == "urn:test:schema")
        #expect(error.location == "/properties/a/items/\(keyword)")
        #expect(error.message.hasPrefix("'\(keyword)' is not supported by this validator;"))
    }

    // Keywords are checked in every subschema, reachable or not ($defs, not, if/then/else, dependentSchemas...).
    @Test func unreachableSubschemasAreChecked() throws {
        let error = try #require(try loadError(#"{"$defs": {"unused": {"then": {"not": {"contains": {}}}}}}"#))
        #expect(error.location == "/$defs/unused/then/not/contains")
    }

    // Malformed keyword values are refused with the keyword's location.
    @Test(arguments: [
        (#"{"minLength": -1}"#, "/minLength", "'minLength' must be a whole number, 0 or more."),
        (#"{"maxItems": 1.5}"#, "/maxItems", "'maxItems' must be a whole number, 0 or more."),
        (#"{"required": "a"}"#, "/required", "'required' must be an array of distinct strings."),
        (#"{"required": ["a", 1]}"#, "/required", "'required' must be an array of distinct strings."),
        (#"{"type": "strnig"}"#, "/type", "'type' names an unknown type; the types are null, boolean, integer, number, string, array and object."),
        (#"{"multipleOf": 0}"#, "/multipleOf", "'multipleOf' must be a number greater than 0."),
        (#"{"enum": "a"}"#, "/enum", "'enum' must be an array of the allowed values."),
        (#"{"items": [{}]}"#, "/items", "'items' takes one schema in draft 2020-12; use 'prefixItems' for a schema per position."),
        (#"{"properties": {"a": 3}}"#, "/properties/a", "A schema must be an object or a boolean; this is a number."),
        (#"{"allOf": []}"#, "/allOf", "'allOf' must be a non-empty array of schemas."),
        (#"{"dependentRequired": {"a": "b"}}"#, "/dependentRequired/a", "'dependentRequired/a' must be an array of distinct strings."),
        (#"{"title": 1}"#, "/title", "'title' must be a string."),
        (#"{"uniqueItems": 1}"#, "/uniqueItems", "'uniqueItems' must be true or false."),
    ])
    func malformedValue(schema: String, location: String, message: String) throws {
        let error = try #require(try loadError(schema))
        #expect(error.documentID == "urn:test:schema")
        #expect(error.location == location)
        #expect(error.message == message)
    }

    // A pattern using an unsupported construct is refused where it is written, saying which construct.
    @Test func unsupportedPatterns() throws {
        let error = try #require(try loadError(#"{"properties": {"a": {"pattern": "^(?=x)"}}}"#))
        #expect(error.location == "/properties/a/pattern")
        #expect(error.message.contains("lookahead"))
        let property = try #require(try loadError(#"{"patternProperties": {"\\p{L}": {}}}"#))
        #expect(property.location == "/patternProperties/\\p{L}")
    }

    // A $ref that resolves nowhere is refused at load, reachable or not.
    @Test func unresolvableReferences() throws {
        let missingDef = try #require(try loadError(##"{"$defs": {"a": {"$ref": "#/$defs/nothing"}}}"##))
        #expect(missingDef.documentID == "urn:test:schema")
        #expect(missingDef.location == "/$defs/a/$ref")
        #expect(missingDef.message == "'$ref' \"#/$defs/nothing\" resolves to urn:test:schema#/$defs/nothing, which is not a schema: nothing of urn:test:schema is a schema at /$defs/nothing.")
        let otherDocument = try #require(try loadError(#"{"$ref": "urn:elsewhere#/$defs/x"}"#))
        #expect(otherDocument.message.contains("no schema in the catalogue has the id urn:elsewhere"))
        let anchor = try #require(try loadError(##"{"$ref": "#name"}"##))
        #expect(anchor.message.contains("$anchor"))
    }

    // Only draft 2020-12 is accepted as $schema; other drafts are refused.
    @Test func otherDraftsAreRefused() throws {
        #expect(try loadError(#"{"$schema": "https://json-schema.org/draft/2020-12/schema"}"#) == nil)
        let error = try #require(try loadError(#"{"$schema": "http://json-schema.org/draft-07/schema#"}"#))
        #expect(error.location == "/$schema")
        #expect(error.message == "'$schema' is http://json-schema.org/draft-07/schema#, but this validator supports only JSON Schema draft 2020-12 (https://json-schema.org/draft/2020-12/schema).")
    }

    // Two documents or resources with the same id are refused.
    @Test func duplicateIDs() throws {
        let error = try #require(try loadError([("file:///a.json", #"{"$id": "urn:x"}"#), ("file:///b.json", #"{"$id": "urn:x"}"#)]))
        #expect(error.documentID == "urn:x")
        let embedded = try #require(try loadError(#"{"$defs": {"a": {"$id": "urn:y"}, "b": {"$id": "urn:y"}}}"#))
        #expect(embedded.location.hasSuffix("/$id"))
    }

    // The error's description names document and pointer.
    @Test func descriptionNamesDocumentAndPointer() throws {
        let error = try #require(try loadError(#"{"minLength": -1}"#))
        #expect(error.description == "urn:test:schema#/minLength: 'minLength' must be a whole number, 0 or more.")
    }
}
