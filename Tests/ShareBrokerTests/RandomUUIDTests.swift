import Foundation
import ShareModel
import Testing

@Suite("Random UUIDs")
struct RandomUUIDTests {
    // Delivery ids are RFC 9562 version 4 UUIDs, and do not repeat.
    @Test func areVersionFourAndDistinct() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        let bytes = ids.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        for index in 0..<16 {
            #expect(Set(bytes.map { $0[index] }).count > 3, "byte \(index) of a random UUID does not vary")
        }
        for id in ids.prefix(100) {
            let text = id.lowercasedString
            #expect(Array(text)[14] == "4")
            #expect("89ab".contains(Array(text)[19]))
            #expect(UUID(uuidString: text) == id)
        }
    }
}

@Suite("Time-ordered UUIDs")
struct TimeOrderedUUIDTests {
    // Delivery ids are RFC 9562 version 7: the creation millisecond first, so later ids sort
    // after earlier ones, and still distinct within one millisecond.
    @Test func carryTheirMillisecondAndSortByIt() {
        let time = Date(timeIntervalSince1970: 1_795_339_860.123)
        let ids = (0..<1_000).map { _ in UUID.timeOrdered(at: time) }
        #expect(Set(ids).count == ids.count)
        let text = ids[0].lowercasedString
        #expect(text.prefix(13).filter { $0 != "-" } == String(1_795_339_860_123, radix: 16).leftPadded(to: 12))
        #expect(Array(text)[14] == "7")
        #expect("89ab".contains(Array(text)[19]))
        let later = UUID.timeOrdered(at: time.addingTimeInterval(0.001))
        #expect(ids.allSatisfy { $0.lowercasedString < later.lowercasedString })
        // Every byte after the millisecond is random (but for the version's and variant's bits).
        let bytes = ids.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        for index in 6..<16 {
            #expect(Set(bytes.map { $0[index] }).count > 3, "byte \(index) of a time-ordered UUID does not vary")
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

@Suite("UUID text")
struct UUIDTextTests {
    // The store's keys and the API's ids are Foundation's text, upper and lower case, however
    // they are written: as a string, into a buffer to bind, or appended to JSON.
    @Test func matchesFoundation() {
        for id in (0..<2_000).map({ _ in UUID() }) + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))] {
            #expect(id.uppercasedString == id.uuidString)
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(UUID(text: id.uuidString) == id && UUID(text: id.lowercasedString) == id)
            #expect(id.withUppercasedText { String(decoding: $0, as: UTF8.self) } == id.uuidString)
            var written = Array("{\"id\":\"".utf8)
            id.appendLowercasedText(to: &written)
            #expect(written == Array("{\"id\":\"\(id.uuidString.lowercased())".utf8))
        }
        for text in ["", "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a1", "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a111", "2b7c0f7e5a43-4c8e-9a5e-0d6f5f3f2a11-",
                     "2b7c0f7g-5a43-4c8e-9a5e-0d6f5f3f2a11", "2b7c0f7e-5a43-4c8e-9a5e+0d6f5f3f2a11"] {
            #expect(UUID(text: text) == nil && UUID(uuidString: text) == nil, "\(text)")
        }
    }
}
