import ShareModel
import ShareSchema
import Testing

@Suite("Array keywords")
struct ArrayTests {
    // items applies to every item when there is no prefixItems.
    @Test func items() throws {
        let schema = try validator(#"{"items": {"type": "integer"}}"#)
        #expect(try schema.accepts("[1, 2.0, 3]"))
        #expect(try schema.failures(#"[1, "x", 3, null]"#) == ["/1 type", "/3 type"])
    }

    // prefixItems applies by position and items (2020-12) to the items after them.
    @Test func prefixItemsThenItems() throws {
        let schema = try validator(#"{"prefixItems": [{"type": "string"}, {"type": "number"}], "items": {"type": "boolean"}}"#)
        #expect(try schema.accepts(#"["a", 1, true, false]"#))
        #expect(try schema.accepts(#"["a"]"#))
        #expect(try schema.failures(#"[1, "a", null]"#) == ["/0 type", "/1 type", "/2 type"])
        let errors = try schema.errors(#"["a", 1, 3]"#)
        #expect(errors.map(\.keywordLocation) == ["/items/type"])
        let closed = try validator(#"{"prefixItems": [{}], "items": false}"#)
        #expect(try closed.accepts("[1]"))
        #expect(try closed.failures("[1, 2]") == ["/1 false"])
    }

    // minItems and maxItems count items.
    @Test func itemCounts() throws {
        let schema = try validator(#"{"minItems": 1, "maxItems": 2}"#)
        #expect(try !schema.accepts("[]"))
        #expect(try schema.accepts("[1, 2]"))
        #expect(try schema.failures("[1, 2, 3]") == [" maxItems"])
        #expect(try schema.errors("[]").first?.message == "This value must have at least 1 item; it has 0.")
    }

    // uniqueItems compares deeply: object member order is irrelevant, 1 equals 1.0, true is not 1.
    @Test func uniqueItems() throws {
        let schema = try validator(#"{"uniqueItems": true}"#)
        #expect(try !schema.accepts(#"[{"a": 1, "b": 2}, {"b": 2, "a": 1}]"#))
        #expect(try !schema.accepts("[1, 1.0]"))
        #expect(try schema.accepts("[true, 1]"))
        #expect(try schema.accepts("[false, 0, null, \"\", [], {}]"))
        #expect(try !schema.accepts("[[1, [2]], [1, [2.0]]]"))
        #expect(try schema.accepts("[[1, 2], [2, 1]]"))
        #expect(try schema.failures("[1, 2, 1]") == [" uniqueItems"])
        // Long arrays (hashed comparison) agree.
        let many = (0..<40).map(String.init).joined(separator: ",")
        #expect(try schema.accepts("[\(many)]"))
        #expect(try !schema.accepts(#"[\#(many), {"x": [1]}, {"x": [1.0]}]"#))
        #expect(try validator(#"{"uniqueItems": false}"#).accepts("[1, 1]"))
    }
}
