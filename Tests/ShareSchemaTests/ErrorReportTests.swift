import ShareModel
import ShareSchema
import Testing

@Suite("Error locations and messages")
struct ErrorReportTests {
    static let envelope = (
        "file:///schemas/envelope.schema.json",
        #"""
        {"$id": "urn:sharebroker:schema:envelope",
         "allOf": [{"$ref": "#/$defs/envelope"}],
         "$defs": {
           "envelope": {"type": "object", "properties": {"disclosure": {"$ref": "#/$defs/disclosure"}, "to": {"type": "array", "items": {"$ref": "#/$defs/agencyId"}}}},
           "disclosure": {"type": "object", "required": ["lawfulBasis", "decidedBy"], "properties": {"lawfulBasis": {"enum": ["public-task", "consent"]}}},
           "agencyId": {"type": "string", "pattern": "^[a-z-]+$"}}}
        """#
    )

    // keywordLocation follows the evaluation path through $ref; absoluteKeywordLocation names the keyword where it is written; pointer names the missing member.
    @Test func locationsThroughReferences() throws {
        let catalogue = try catalogue([Self.envelope])
        let validator = try #require(catalogue.validator(for: "urn:sharebroker:schema:envelope"))
        let errors = validator.validate(try json(#"{"disclosure": {"lawfulBasis": "legitimate-interests"}, "to": ["ok", "Not OK"]}"#))
        #expect(errors.map(\.keyword) == ["enum", "required", "pattern"])
        #expect(errors.map(\.instanceLocation) == ["/disclosure/lawfulBasis", "/disclosure", "/to/1"])
        #expect(errors.map(\.pointer) == ["/disclosure/lawfulBasis", "/disclosure/decidedBy", "/to/1"])
        #expect(errors.map(\.keywordLocation) == [
            "/allOf/0/$ref/properties/disclosure/$ref/properties/lawfulBasis/enum",
            "/allOf/0/$ref/properties/disclosure/$ref/required",
            "/allOf/0/$ref/properties/to/items/$ref/pattern",
        ])
        #expect(errors.map(\.absoluteKeywordLocation) == [
            "urn:sharebroker:schema:envelope#/$defs/disclosure/properties/lawfulBasis/enum",
            "urn:sharebroker:schema:envelope#/$defs/disclosure/required",
            "urn:sharebroker:schema:envelope#/$defs/agencyId/pattern",
        ])
        #expect(errors.map(\.message) == [
            "'lawfulBasis' must be one of public-task, consent; got a string that is none of these.",
            "'decidedBy' is missing, and it is required.",
            "This value must match the pattern ^[a-z-]+$; this value does not.",
        ])
        #expect(errors[1].description == "/disclosure/decidedBy: 'decidedBy' is missing, and it is required. [/allOf/0/$ref/properties/disclosure/$ref/required]")
    }

    // Valid instances give no errors; the order of errors is deterministic across runs and member orders.
    @Test func deterministicOrder() throws {
        let validator = try #require(try catalogue([Self.envelope]).validator(for: "urn:sharebroker:schema:envelope"))
        #expect(validator.validate(try json(#"{"disclosure": {"lawfulBasis": "consent", "decidedBy": 1}, "to": ["a"]}"#)).isEmpty)
        let first = validator.validate(try json(#"{"to": [1, 2], "disclosure": {}}"#))
        let second = validator.validate(try json(#"{"disclosure": {}, "to": [1, 2]}"#))
        #expect(first == second)
        #expect(first.map(\.keyword) == ["required", "required", "type", "type"])
    }

    // Messages name the property at the end of the instance location, and never echo long or personal values.
    @Test func messagesNameThePropertyAndNotTheValue() throws {
        let schema = try validator(#"{"properties": {"name": {"maxLength": 5, "pattern": "^[A-Z]"}, "notes": {"type": "array", "items": {"minLength": 2}}}}"#)
        let errors = try schema.errors(#"{"name": "jonathan smith", "notes": ["x"]}"#)
        #expect(errors.map(\.message) == [
            "'name' must be at most 5 characters (Unicode code points) long; it is 14.",
            "'name' must match the pattern ^[A-Z]; this value does not.",
            "This value must be at least 2 characters (Unicode code points) long; it is 1.",
        ])
        #expect(!errors.contains { $0.message.contains("jonathan") })
    }

    // Numeric messages print whole numbers without a fraction.
    @Test func numberWording() throws {
        let schema = try validator(#"{"properties": {"score": {"minimum": 0, "maximum": 10, "multipleOf": 0.5}}}"#)
        #expect(try schema.errors(#"{"score": 11}"#).map(\.message) == ["'score' must be at most 10."])
        #expect(try schema.errors(#"{"score": 0.3}"#).map(\.message) == ["'score' must be a multiple of 0.5."])
    }
}
