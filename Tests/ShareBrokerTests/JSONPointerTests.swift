import ShareModel
import Testing

/// JSON Pointers are built from member names as JSON gives them, so they work on code points:
/// a "~" or "/" followed by a combining mark is still escaped, split and compared as itself.
@Suite("JSON pointer")
struct JSONPointerTests {
    @Test func escapesAndSplitsBeforeCombiningMarks() {
        let pointer = JSONPointer(["~\u{301}", "/\u{301}", "plain"])
        #expect(pointer.description == "/~0\u{301}/~1\u{301}/plain")
        #expect(JSONPointer(stringLiteral: pointer.description) == pointer)
        #expect(JSONPointer(stringLiteral: "/a~01/~1/").tokens == ["a~1", "/", ""])
    }

    @Test func comparesTokensByCodePoint() {
        #expect(JSONPointer(["\u{E4}"]) != JSONPointer(["a\u{308}"]))
        #expect(Set([JSONPointer(["\u{E4}"]), JSONPointer(["a\u{308}"])]).count == 2)
        #expect(JSONPointer(["\u{E4}", "b"]) == JSONPointer(["\u{E4}", "b"]))
    }

    @Test func findsMembersByCodePoint() throws {
        let document = JSONValue.object(["\u{E4}": .number(1), "a\u{308}": .number(2)])
        #expect(document.value(at: JSONPointer(["\u{E4}"])) == .number(1))
        #expect(document.value(at: JSONPointer(["a\u{308}"])) == .number(2))
    }
}
