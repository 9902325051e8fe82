import Foundation
import ShareAudit
import Testing

@Suite("Tree heads")
struct TreeHeadTests {
    static let root8 = hexHash("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
    static let example = TreeHead(treeSize: 8, rootHash: root8, timestamp: "2025-03-01T09:30:00.000Z")
    static let exampleJSON = #"{"rootHash":"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=","timestamp":"2025-03-01T09:30:00.000Z","treeSize":8}"#

    @Test func canonicalJSONIsByteExact() throws {
        #expect(try Self.example.canonicalJSON() == Array(Self.exampleJSON.utf8))
    }

    @Test func emptyLogHead() throws {
        let head = TreeHead(treeSize: 0, rootHash: MerkleHasher.emptyRoot, timestamp: "2025-01-01T00:00:00Z")
        let expected = #"{"rootHash":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=","timestamp":"2025-01-01T00:00:00Z","treeSize":0}"#
        #expect(try head.canonicalJSON() == Array(expected.utf8))
    }

    // The canonical bytes are what the broker's JSON convention (sorted keys, unescaped
    // slashes) writes, and decode back to the same head.
    @Test func canonicalJSONMatchesJSONEncoderAndDecodes() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for head in [Self.example,
                     TreeHead(treeSize: 123_456_789, rootHash: hexHash(String(repeating: "ff", count: 32)), timestamp: "2026-12-31T23:59:60.123456+05:30")] {
            let canonical = try head.canonicalJSON()
            #expect(Array(try encoder.encode(head)) == canonical)
            #expect(try JSONDecoder().decode(TreeHead.self, from: Data(canonical)) == head)
        }
    }

    @Test func decodedRootHash() throws {
        #expect(try Self.example.decodedRootHash() == Self.root8)
        expectMerkleError(.malformedTreeHead) {
            _ = try TreeHead(treeSize: 8, rootHash: Self.root8.hex, timestamp: "2025-03-01T09:30:00.000Z").decodedRootHash()
        }
    }

    @Test(arguments: [
        "2025-03-01T09:30:00.000Z", "2025-03-01T09:30:00Z", "2024-02-29T00:00:00Z", "2000-02-29T12:00:00.5Z",
        "2025-03-01T09:30:00+01:00", "2025-03-01T09:30:00.000-08:00", "2016-12-31T23:59:60Z",
    ])
    func validTimestamps(_ timestamp: String) throws {
        try TreeHead(treeSize: 1, rootHash: Self.root8, timestamp: timestamp).validate()
    }

    @Test(arguments: [
        "", "2025-03-01", "2025-03-01T09:30:00", "2025-03-01 09:30:00Z", "2025-03-01t09:30:00z",
        "2025-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-13-01T00:00:00Z",
        "2025-00-10T00:00:00Z", "2025-03-00T00:00:00Z", "2025-03-01T24:00:00Z", "2025-03-01T09:60:00Z",
        "2025-03-01T09:30:61Z", "2025-03-01T09:30:00.Z", "2025-03-01T09:30:00+0100", "2025-03-01T09:30:00+24:00",
        "2025-03-01T09:30:00Z ", "25-03-01T09:30:00Z", "2025-3-01T09:30:00Z", "2025-03-01T09:30:00.000Z\"",
    ])
    func invalidTimestamps(_ timestamp: String) {
        let head = TreeHead(treeSize: 1, rootHash: Self.root8, timestamp: timestamp)
        expectMerkleError(.malformedTreeHead) { try head.validate() }
        expectMerkleError(.malformedTreeHead) { _ = try head.canonicalJSON() }
    }

    @Test func invalidSizesAndRootsAreRefused() {
        let timestamp = "2025-03-01T09:30:00.000Z"
        let heads = [
            TreeHead(treeSize: -1, rootHash: Self.root8, timestamp: timestamp),
            TreeHead(treeSize: 8, rootHash: Self.root8.hex, timestamp: timestamp),
            TreeHead(treeSize: 8, rootHash: "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg", timestamp: timestamp),
            TreeHead(treeSize: 8, rootHash: "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg", timestamp: timestamp),
            TreeHead(treeSize: 8, rootHash: "", timestamp: timestamp),
        ]
        for head in heads {
            expectMerkleError(.malformedTreeHead) { try head.validate() }
            expectMerkleError(.malformedTreeHead) { _ = try head.canonicalJSON() }
        }
    }

    // Decoding refuses what validate() refuses, so a bad head never reaches a verifier.
    @Test func decodingRefusesMalformedHeads() {
        let documents = [
            #"{"rootHash":"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=","timestamp":"2025-03-01T09:30:00.000Z","treeSize":-8}"#,
            #"{"rootHash":"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy","timestamp":"2025-03-01T09:30:00.000Z","treeSize":8}"#,
            #"{"rootHash":"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=","timestamp":"yesterday","treeSize":8}"#,
            #"{"rootHash":"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=","treeSize":8}"#,
        ]
        for document in documents {
            #expect(throws: DecodingError.self, "\(document)") {
                _ = try JSONDecoder().decode(TreeHead.self, from: Data(document.utf8))
            }
        }
        #expect(throws: Never.self) {
            _ = try JSONDecoder().decode(TreeHead.self, from: Data(Self.exampleJSON.utf8))
        }
    }
}
