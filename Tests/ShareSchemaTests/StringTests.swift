import ShareModel
import ShareSchema
import Testing

@Suite("minLength, maxLength and pattern")
struct StringTests {
    // Lengths count Unicode code points: a composed é is 1, a decomposed é is 2, an emoji is 1.
    @Test func lengthsCountCodePoints() throws {
        let one = try validator(#"{"minLength": 1, "maxLength": 1}"#)
        #expect(try one.accepts("\"\u{E9}\""))
        #expect(try !one.accepts("\"e\u{301}\""))
        #expect(try one.accepts("\"\u{1F600}\""))
        #expect(try one.accepts(#""\ud83d\ude00""#))
        #expect(try !one.accepts(#""""#))
        let three = try validator(#"{"maxLength": 3}"#)
        #expect(try three.accepts("\"\u{1F600}\u{1F600}\u{1F600}\""))
        #expect(try !three.accepts("\"\u{1F600}\u{1F600}\u{1F600}\u{1F600}\""))
    }

    // Length keywords ignore non-strings.
    @Test func lengthsIgnoreOtherTypes() throws {
        let schema = try validator(#"{"minLength": 5}"#)
        #expect(try schema.accepts("12"))
        #expect(try schema.accepts("[1]"))
    }

    // A length failure states the limit and the actual length, never the text.
    @Test func lengthMessageGivesCounts() throws {
        let schema = try validator(#"{"properties": {"detail": {"maxLength": 3}}}"#)
        let errors = try schema.errors(#"{"detail": "abcdé"}"#)
        #expect(errors.map(\.message) == ["'detail' must be at most 3 characters (Unicode code points) long; it is 5."])
        #expect(errors.map(\.keyword) == ["maxLength"])
    }

    // pattern searches anywhere in the string unless anchored.
    @Test func patternIsAnUnanchoredSearch() throws {
        let schema = try validator(#"{"pattern": "b"}"#)
        #expect(try schema.accepts(#""abc""#))
        #expect(try !schema.accepts(#""xyz""#))
        #expect(try schema.accepts("5"))
        let anchored = try validator(#"{"pattern": "^b$"}"#)
        #expect(try anchored.accepts(#""b""#))
        #expect(try !anchored.accepts(#""abc""#))
    }
}
