import Foundation
import ShareModel
import Testing

@Suite("Random UUIDs")
struct RandomUUIDTests {
    // Delivery ids are RFC 9562 version 4 UUIDs, and do not repeat.
    @Test func areVersionFourAndDistinct() {
        let ids = (0..<10_000).map { _ in UUID.random() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(100) {
            let text = id.lowercasedString
            #expect(Array(text)[14] == "4")
            #expect("89ab".contains(Array(text)[19]))
            #expect(UUID(uuidString: text) == id)
        }
    }
}

@Suite("UUID text")
struct UUIDTextTests {
    // The store's keys and the API's ids are Foundation's text, upper and lower case.
    @Test func matchesFoundation() {
        for id in (0..<2_000).map({ _ in UUID() }) + [UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))] {
            #expect(id.uppercasedString == id.uuidString)
            #expect(id.lowercasedString == id.uuidString.lowercased())
            #expect(UUID(text: id.uuidString) == id && UUID(text: id.lowercasedString) == id)
        }
        for text in ["", "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a1", "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a111", "2b7c0f7e5a43-4c8e-9a5e-0d6f5f3f2a11-",
                     "2b7c0f7g-5a43-4c8e-9a5e-0d6f5f3f2a11", "2b7c0f7e-5a43-4c8e-9a5e+0d6f5f3f2a11"] {
            #expect(UUID(text: text) == nil && UUID(uuidString: text) == nil, "\(text)")
        }
    }
}
