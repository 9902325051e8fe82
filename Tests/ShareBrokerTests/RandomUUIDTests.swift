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
