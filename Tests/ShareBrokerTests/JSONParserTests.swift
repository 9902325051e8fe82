import Foundation
import ShareModel
import Testing

/// The broker's own JSON reader: every envelope, JOSE header and schema goes through it.
@Suite("JSON parser")
struct JSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONValue(parsing: Data(text.utf8))
    }

    private func reason(_ bytes: [UInt8]) -> String? {
        do {
            _ = try JSONValue(parsing: Data(bytes))
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func readsEveryKindOfValue() throws {
        let value = try parse(#" { "a" : [1, -2.5, 3e2, 0, -0, 1E-2, true, false, null, "x"], "b": {}, "c": [] } "#)
        #expect(value == .object([
            "a": .array([.number(1), .number(-2.5), .number(300), .number(0), .number(0), .number(0.01),
                         .bool(true), .bool(false), .null, .string("x")]),
            "b": .object([:]), "c": .array([]),
        ]))
        #expect(try parse("42") == .number(42))
        #expect(try parse("\"top\"") == .string("top"))
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try parse(#""q\"b\\s\/\b\f\n\r\t""#) == .string("q\"b\\s/\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u00e9\u20AC""#) == .string("é€"))
        #expect(try parse(#""\ud83d\ude00 after""#) == .string("😀 after"))
        #expect(try parse("\"naïve 😀 中文\"") == .string("naïve 😀 中文"))
        #expect(try parse(#""before \n é""#) == .string("before \n é"))
    }

    @Test func keepsLargeAndPreciseNumbers() throws {
        #expect(try parse("123456789012345678") == .number(Double("123456789012345678")!))
        #expect(try parse("0.1") == .number(0.1))
        #expect(try parse("-1.7976931348623157e308") == .number(-1.7976931348623157e308))
        #expect(try parse("9007199254740993") == .number(Double("9007199254740993")!))
    }

    @Test(arguments: [
        ("", "ended"), ("{", "member name"), ("[1,]", "value was expected"), ("{\"a\":1,}", "member name"),
        ("01", "leading zero"), ("-", "digit after '-'"), ("1.", "digit after '.'"), ("1e", "exponent"),
        ("1e400", "too large"), ("tru", "unknown literal"), ("nul", "unknown literal"), ("[1 2]", "',' or ']'"),
        ("{\"a\" 1}", "':'"), ("\"open", "not closed"), ("\"\\x\"", "unknown escape"), ("\"\\u12\"", "four hexadecimal"),
        ("\"\\ud800\"", "unpaired surrogate"), ("\"\\udc00\"", "unpaired surrogate"), ("\"\\ud800\\u0041\"", "unpaired surrogate"),
        ("{} {}", "more after"), ("'single'", "value was expected"), ("NaN", "value was expected"),
        ("{\"sender\":\"a\",\"sender\":\"b\"}", "appears twice"), ("{\"\\u00e4\":1,\"\u{E4}\":2}", "appears twice"),
    ])
    func refusesWhatIsNotStrictJSON(text: String, expected: String) {
        let reason = reason(Array(text.utf8))
        #expect(reason?.contains(expected) == true, "\(text): \(reason ?? "accepted")")
        #expect(reason?.contains("at byte") == true)
    }

    @Test func refusesRawControlCharactersAndBadUTF8() {
        #expect(reason(Array("\"a\u{01}b\"".utf8))?.contains("control character") == true)
        #expect(reason(Array("\"a\nb\"".utf8))?.contains("control character") == true)
        #expect(reason([0x22, 0xC3, 0x28, 0x22])?.contains("UTF-8") == true)
        #expect(reason([0x22, 0xED, 0xA0, 0x80, 0x22])?.contains("UTF-8") == true)
        #expect(reason([0x22, 0x5C, 0x6E, 0xFF, 0x22])?.contains("UTF-8") == true)
    }

    /// Long strings are scanned eight bytes at a time: a quote, backslash, control character
    /// or non-ASCII byte at any place in them, and around each eight-byte boundary, is still
    /// read (or refused) as it is one byte at a time.
    @Test func readsEveryPlaceInALongString() throws {
        let filler = "abcdefghijklmnopqrstuvwxyz0123456789"
        for place in 0..<filler.count {
            let head = String(filler.prefix(place)), tail = String(filler.dropFirst(place))
            #expect(try parse("\"\(head)\\\"\(tail)\"") == .string(head + "\"" + tail))
            #expect(try parse("\"\(head)\\\\\(tail)\"") == .string(head + "\\" + tail))
            #expect(try parse("\"\(head)é\u{7F}\(tail)\"") == .string(head + "é\u{7F}" + tail))
            #expect(try parse("[\"\(head)\",\"\(tail)\"]") == .array([.string(head), .string(tail)]))
            for control: UInt8 in [0x00, 0x0A, 0x1F] {
                let bytes = Array("\"\(head)".utf8) + [control] + Array("\(tail)\"".utf8)
                #expect(reason(bytes)?.contains("control character") == true, "\(place) \(control)")
            }
        }
    }

    /// JSON compares member names code point by code point: "\u{E4}" and "a\u{308}" are
    /// canonically equivalent (so equal as Swift `String`s) but two names, written raw or escaped.
    @Test func readsCanonicallyEquivalentMemberNamesAsTwoMembers() throws {
        for text in ["{\"\u{E4}\": 1, \"a\u{308}\": 2}", #"{"\u00e4": 1, "a\u0308": 2}"#] {
            let value = try parse(text)
            #expect(value.objectValue?.count == 2, "\(text)")
            #expect(value[JSONKey("\u{E4}")] == .number(1))
            #expect(value[JSONKey("a\u{308}")] == .number(2))
        }
        #expect(try parse(#""\u00e4""#) != parse(#""a\u0308""#))
        #expect(try parse(#"{"\u00e4": 1}"#) != parse(#"{"a\u0308": 1}"#))
    }

    @Test func refusesHostileNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(reason(Array(deep.utf8))?.contains("deeper than 512") == true)
        let allowed = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try parse(allowed) }
    }

    /// Every schema and example in the catalogue reads the same as through Foundation's decoder.
    @Test func agreesWithFoundationOnTheCatalogue() throws {
        let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas")
        let files = FileManager.default.enumerator(at: schemas, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" } ?? []
        #expect(files.count > 100)
        for file in files {
            let data = try Data(contentsOf: file)
            #expect(try JSONValue(parsing: data) == JSONDecoder().decode(JSONValue.self, from: data), "\(file.lastPathComponent)")
        }
    }
}
