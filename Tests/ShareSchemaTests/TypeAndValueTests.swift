import ShareModel
import ShareSchema
import Testing

@Suite("type, enum, const and number keywords")
struct TypeAndValueTests {
    // "integer" accepts any number with no fractional part, 1.0 included, and refuses 1.5.
    @Test func integerAcceptsWholeNumbersWrittenWithAFraction() throws {
        let schema = try validator(#"{"type": "integer"}"#)
        #expect(try schema.accepts("1"))
        #expect(try schema.accepts("1.0"))
        #expect(try schema.accepts("-0"))
        #expect(try !schema.accepts("1.5"))
        #expect(try !schema.accepts(#""1""#))
        #expect(try !schema.accepts("true"))
    }

    // An array of types accepts any one of them; booleans are not numbers and null is its own type.
    @Test func typeArraysAndDistinctJSONTypes() throws {
        let schema = try validator(#"{"type": ["string", "null"]}"#)
        #expect(try schema.accepts(#""x""#))
        #expect(try schema.accepts("null"))
        #expect(try !schema.accepts("0"))
        let number = try validator(#"{"type": "number"}"#)
        #expect(try number.accepts("1.5"))
        #expect(try !number.accepts("false"))
        let object = try validator(#"{"type": "object"}"#)
        #expect(try object.accepts("{}"))
        #expect(try !object.accepts("[]"))
    }

    // A type failure names the allowed types and the received JSON type, not the value.
    @Test func typeMessageNamesTypesNotValues() throws {
        let schema = try validator(#"{"properties": {"age": {"type": "integer"}}}"#)
        let errors = try schema.errors(#"{"age": 4.5}"#)
        #expect(errors.map(\.message) == ["'age' must be an integer; got a number with a fractional part."])
        let names = try validator(#"{"type": ["string", "null"]}"#)
        #expect(try names.errors("[1]").map(\.message) == ["This value must be a string or null; got an array."])
    }

    // enum uses deep equality: 1 equals 1.0, true is not 1, objects ignore member order.
    @Test func enumUsesDeepEquality() throws {
        let schema = try validator(#"{"enum": [1, "a", {"x": 1, "y": [true, null]}]}"#)
        #expect(try schema.accepts("1.0"))
        #expect(try schema.accepts(#""a""#))
        #expect(try schema.accepts(#"{"y": [true, null], "x": 1}"#))
        #expect(try !schema.accepts("true"))
        #expect(try !schema.accepts(#"{"x": 1}"#))
        #expect(try !schema.accepts(#""A""#))
    }

    // An enum failure lists the allowed values and does not echo the received value.
    @Test func enumMessageListsAllowedValues() throws {
        let schema = try validator(#"{"properties": {"urgency": {"enum": ["red", "amber", "green"]}}}"#)
        let errors = try schema.errors(#"{"urgency": "urgent"}"#)
        #expect(errors.count == 1)
        #expect(errors.first?.keyword == "enum")
        #expect(errors.first?.message == "'urgency' must be one of red, amber, green; got a string that is none of these.")
        #expect(errors.first?.message.contains("urgent\"") == false)
    }

    // const uses deep equality like enum.
    @Test func constUsesDeepEquality() throws {
        let schema = try validator(#"{"const": {"a": [1, 2], "b": false}}"#)
        #expect(try schema.accepts(#"{"b": false, "a": [1.0, 2]}"#))
        #expect(try !schema.accepts(#"{"b": 0, "a": [1, 2]}"#))
        #expect(try !schema.accepts(#"{"a": [2, 1], "b": false}"#))
        let one = try validator(#"{"const": 1}"#)
        #expect(try !one.accepts("true"))
        #expect(try one.failures("2") == [" const"])
    }

    // minimum/maximum are inclusive, the exclusive forms are numbers (draft 2020-12), non-numbers pass.
    @Test func numericBounds() throws {
        let schema = try validator(#"{"minimum": 1, "maximum": 10, "exclusiveMinimum": 0, "exclusiveMaximum": 10.5}"#)
        #expect(try schema.accepts("1"))
        #expect(try schema.accepts("10"))
        #expect(try !schema.accepts("0.99"))
        #expect(try !schema.accepts("10.01"))
        #expect(try schema.accepts(#""not a number""#))
        let exclusive = try validator(#"{"exclusiveMinimum": 0, "exclusiveMaximum": 1}"#)
        #expect(try exclusive.failures("0") == [" exclusiveMinimum"])
        #expect(try exclusive.failures("1") == [" exclusiveMaximum"])
        #expect(try exclusive.accepts("0.5"))
    }

    // multipleOf divides and checks the quotient is whole, like Python jsonschema for floats.
    @Test func multipleOf() throws {
        let schema = try validator(#"{"multipleOf": 0.5}"#)
        #expect(try schema.accepts("2.5"))
        #expect(try schema.accepts("-3"))
        #expect(try !schema.accepts("2.3"))
        let integer = try validator(#"{"multipleOf": 3}"#)
        #expect(try integer.accepts("9"))
        #expect(try integer.accepts("0"))
        #expect(try !integer.accepts("10"))
        #expect(try integer.failures("10") == [" multipleOf"])
        // A quotient too large for a double is settled by the exact remainder instead.
        #expect(try schema.accepts("1e308"))
        let tiny = try validator(#"{"multipleOf": 1e-308}"#)
        #expect(try !tiny.accepts("1e308"))
    }
}
