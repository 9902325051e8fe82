import Foundation
import ShareModel
import Testing

/// The direct JSON writers: what they write per message must be what the broker's `Codable`
/// encoding writes, byte for byte.
@Suite("JSON writer")
struct JSONWriterTests {
    /// Strings are scanned eight bytes at a time: a character that must be escaped, or a
    /// non-ASCII one, at any place (and around each eight-byte boundary) is written as the
    /// encoder writes it, from a `String` and from UTF-8 bytes alike.
    @Test func escapesEveryPlaceInALongString() throws {
        let filler = "abcdefghijklmnopqrstuvwxyz0123456789"
        for place in 0...filler.count {
            for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}", "/", "é", "\u{7F}"] {
                let text = String(filler.prefix(place)) + special + String(filler.dropFirst(place))
                let expected = try ShareJSON.encoder().encode(["k": text])
                #expect(JSONWriter.data(.object(["k": .string(text)])) == expected, "\(place) \(special.debugDescription)")
                var object = JSONObjectWriter()
                object.add("k", utf8: Data(text.utf8))
                #expect(object.finish() == expected, "\(place) \(special.debugDescription)")
            }
        }
    }
}
