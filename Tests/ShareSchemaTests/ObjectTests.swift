import ShareModel
import ShareSchema
import Testing

@Suite("Object keywords")
struct ObjectTests {
    // properties validates present members only; required reports one error per missing name, in schema order.
    @Test func propertiesAndRequired() throws {
        let schema = try validator(#"{"properties": {"a": {"type": "string"}}, "required": ["z", "a", "m"]}"#)
        #expect(try schema.accepts(#"{"z": 1, "a": "x", "m": null}"#))
        let errors = try schema.errors(#"{"a": "x"}"#)
        #expect(errors.map(\.keyword) == ["required", "required"])
        #expect(errors.map(\.pointer) == ["/z", "/m"])
        #expect(errors.map(\.instanceLocation) == [.root, .root])
        #expect(errors.first?.message == "'z' is missing, and it is required.")
        #expect(try schema.accepts("[]"))
    }

    // additionalProperties: false gives one error at the object naming every unexpected member, sorted.
    @Test func additionalPropertiesFalseIsOneError() throws {
        let schema = try validator(#"{"properties": {"disclosure": {"properties": {"basis": {}}, "additionalProperties": false}}}"#)
        let errors = try schema.errors(#"{"disclosure": {"zeta": 1, "basis": 2, "alpha": 3}}"#)
        #expect(errors.count == 1)
        #expect(errors.first?.keyword == "additionalProperties")
        #expect(errors.first?.instanceLocation == "/disclosure")
        #expect(errors.first?.message == "'disclosure' has members that this schema does not allow: 'alpha', 'zeta'.")
    }

    // additionalProperties applies only to members matched by neither properties nor patternProperties.
    @Test func patternPropertiesAndAdditionalProperties() throws {
        let schema = try validator(#"""
        {"properties": {"id": {"type": "string"}},
         "patternProperties": {"^x-": {"type": "integer"}, "y$": {"minimum": 10}},
         "additionalProperties": {"type": "boolean"}}
        """#)
        #expect(try schema.accepts(#"{"id": "a", "x-count": 3, "flag": true, "ay": 11}"#))
        #expect(try !schema.accepts(#"{"x-count": "3"}"#))
        #expect(try !schema.accepts(#"{"other": 1}"#))
        // A member matching two patterns must satisfy both.
        #expect(try !schema.accepts(#"{"x-y": 3}"#))
        #expect(try schema.accepts(#"{"x-y": 12}"#))
        let errors = try schema.errors(#"{"x-count": "3", "other": 1, "id": 5}"#)
        #expect(errors.map { "\($0.instanceLocation) \($0.keyword)" } == ["/id type", "/other type", "/x-count type"])
        #expect(errors.map(\.keywordLocation) == ["/properties/id/type", "/additionalProperties/type", "/patternProperties/^x-/type"])
    }

    // min/maxProperties count members.
    @Test func propertyCounts() throws {
        let schema = try validator(#"{"minProperties": 1, "maxProperties": 2}"#)
        #expect(try !schema.accepts("{}"))
        #expect(try schema.accepts(#"{"a": 1}"#))
        #expect(try !schema.accepts(#"{"a": 1, "b": 2, "c": 3}"#))
        #expect(try schema.failures("{}") == [" minProperties"])
    }

    // dependentRequired: one error per missing dependent member, pointing at it.
    @Test func dependentRequired() throws {
        let schema = try validator(#"{"dependentRequired": {"condition": ["lawfulBasis", "decidedBy"]}}"#)
        #expect(try schema.accepts("{}"))
        #expect(try schema.accepts(#"{"condition": 1, "lawfulBasis": 2, "decidedBy": 3}"#))
        let errors = try schema.errors(#"{"condition": 1, "decidedBy": 3}"#)
        #expect(errors.map(\.keyword) == ["dependentRequired"])
        #expect(errors.map(\.pointer) == ["/lawfulBasis"])
        #expect(errors.first?.message == "'lawfulBasis' is missing, and it is required when 'condition' is present.")
    }

    // dependentSchemas applies its schema to the whole object when the member is present.
    @Test func dependentSchemas() throws {
        let schema = try validator(#"{"dependentSchemas": {"online": {"required": ["link"]}}}"#)
        #expect(try schema.accepts(#"{"place": "x"}"#))
        #expect(try schema.accepts(#"{"online": true, "link": "y"}"#))
        let errors = try schema.errors(#"{"online": true}"#)
        #expect(errors.map(\.keywordLocation) == ["/dependentSchemas/online/required"])
    }

    // Property names are data: keyword-like names inside properties are not keywords.
    @Test func propertyNamesAreNotKeywords() throws {
        let schema = try validator(#"{"properties": {"contains": {"type": "string"}, "$ref": {"type": "integer"}}}"#)
        #expect(try schema.accepts(#"{"contains": "x", "$ref": 1}"#))
        #expect(try !schema.accepts(#"{"$ref": "x"}"#))
    }

    // Errors inside objects come in sorted member order whatever order the instance has.
    @Test func errorsFollowSortedMemberOrder() throws {
        let schema = try validator(#"{"additionalProperties": {"type": "string"}}"#)
        #expect(try schema.failures(#"{"c": 1, "a": 2, "b": 3}"#) == ["/a type", "/b type", "/c type"])
    }
}
