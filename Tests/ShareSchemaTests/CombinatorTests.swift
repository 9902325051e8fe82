import ShareModel
import ShareSchema
import Testing

@Suite("Boolean schemas, combinators and conditionals")
struct CombinatorTests {
    // true accepts everything and false nothing, wherever a schema may appear.
    @Test func booleanSchemas() throws {
        #expect(try validator("true").accepts(#"{"anything": [1]}"#))
        #expect(try !validator("false").accepts("null"))
        let schema = try validator(#"{"properties": {"secret": false, "open": true}}"#)
        #expect(try schema.accepts(#"{"open": 1}"#))
        let errors = try schema.errors(#"{"secret": 1}"#)
        #expect(errors.map(\.keyword) == ["false"])
        #expect(errors.first?.message == "'secret' is not allowed here.")
        #expect(errors.first?.keywordLocation == "/properties/secret")
    }

    // allOf passes every branch's errors through.
    @Test func allOf() throws {
        let schema = try validator(#"{"allOf": [{"type": "string"}, {"minLength": 3}]}"#)
        #expect(try schema.accepts(#""abc""#))
        #expect(try schema.failures(#""ab""#) == [" minLength"])
        #expect(try schema.errors("1").map(\.keywordLocation) == ["/allOf/0/type"])
    }

    // anyOf fails with one error that summarises the closest alternative.
    @Test func anyOf() throws {
        let schema = try validator(#"{"anyOf": [{"type": "string"}, {"type": "object", "required": ["email"]}]}"#)
        #expect(try schema.accepts(#""x""#))
        #expect(try schema.accepts(#"{"email": 1}"#))
        let errors = try schema.errors(#"{"phone": 1}"#)
        #expect(errors.map(\.keyword) == ["anyOf"])
        #expect(errors.first?.message == "This value matches none of the 2 alternatives; the closest, anyOf/1, failed because: 'email' is missing, and it is required.")
    }

    // oneOf needs exactly one match: none and several are both single errors.
    @Test func oneOf() throws {
        let schema = try validator(#"{"oneOf": [{"type": "integer"}, {"minimum": 2}]}"#)
        #expect(try schema.accepts("1"))
        #expect(try schema.accepts("2.5"))
        #expect(try schema.failures("3") == [" oneOf"])
        #expect(try schema.errors("3").first?.message == "This value must match exactly one of the 2 alternatives, but matches 2: oneOf/0, oneOf/1.")
        #expect(try schema.failures("1.5") == [" oneOf"])
    }

    // not inverts its schema, with one error.
    @Test func not() throws {
        let schema = try validator(#"{"not": {"type": "null"}}"#)
        #expect(try schema.accepts("0"))
        #expect(try schema.failures("null") == [" not"])
    }

    // if never errors itself; then applies when it passes and else when it fails.
    @Test func ifThenElse() throws {
        let schema = try validator(#"""
        {"if": {"properties": {"kind": {"const": "unborn"}}, "required": ["kind"]},
         "then": {"required": ["expectedDelivery"]},
         "else": {"required": ["dateOfBirth"]}}
        """#)
        #expect(try schema.accepts(#"{"kind": "unborn", "expectedDelivery": 1}"#))
        #expect(try schema.accepts(#"{"kind": "child", "dateOfBirth": 1}"#))
        let then = try schema.errors(#"{"kind": "unborn"}"#)
        #expect(then.map(\.keywordLocation) == ["/then/required"])
        #expect(then.map(\.pointer) == ["/expectedDelivery"])
        #expect(try schema.errors("{}").map(\.keywordLocation) == ["/else/required"])
        // then/else without if are ignored; if alone asserts nothing.
        #expect(try validator(#"{"then": false, "else": false}"#).accepts("1"))
        #expect(try validator(#"{"if": false}"#).accepts("1"))
    }
}
