import Foundation
import ShareAudit
import Testing

@Suite("Hash values and their text forms")
struct HashTests {
    static let sample = hexHash("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")

    @Test func bytesRoundTrip() throws {
        let bytes = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        let hash = try Hash(bytes: bytes)
        #expect(hash.bytes == bytes)
        #expect(try Hash(bytes: Data(bytes)) == hash)
        #expect(hash.hex == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(hash.description == hash.hex)
    }

    @Test func wrongLengthsAreRefused() {
        for count in [0, 1, 31, 33, 64] {
            expectMerkleError(.malformedHash) { _ = try Hash(bytes: [UInt8](repeating: 1, count: count)) }
        }
    }

    @Test func hexIsLowercaseAndReadInEitherCase() {
        let hex = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        #expect(Self.sample.hex == hex)
        #expect(Hash(hex: hex.uppercased()) == Self.sample)
        #expect(Hash(hex: String(hex.dropLast())) == nil)
        #expect(Hash(hex: String(hex.dropLast(2))) == nil)
        #expect(Hash(hex: hex + "00") == nil)
        #expect(Hash(hex: "g" + String(hex.dropFirst())) == nil)
        #expect(Hash(hex: " " + String(hex.dropFirst())) == nil)
    }

    // The module's own base64 agrees with Foundation's in both directions.
    @Test func base64AgreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let hash = try Hash(bytes: bytes)
            let foundation = Data(bytes).base64EncodedString()
            #expect(hash.base64 == foundation)
            #expect(Hash(base64: foundation) == hash)
            #expect(hash.base64.utf8.count == 44)
        }
        // All-zero and all-one bytes use the first and last letters of the alphabet.
        #expect(try Hash(bytes: [UInt8](repeating: 0, count: 32)).base64 == String(repeating: "A", count: 43) + "=")
        #expect(try Hash(bytes: [UInt8](repeating: 0xFF, count: 32)).base64 == String(repeating: "/", count: 42) + "8=")
    }

    // Only the one canonical text of each hash is accepted.
    @Test func nonCanonicalBase64IsRefused() {
        let text = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="
        #expect(Hash(base64: text) == Self.sample)
        let refused = [
            String(text.dropLast()),                                   // padding missing
            text + "=",                                                // too much padding
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=",            // non-zero unused bits
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=",            // base64url alphabet
            " " + text,                                                // whitespace
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/Rg\nQyg=",          // line break
            "XcnaeacGWamtVZy3Ad7Zoqud=jqtL0lgz+Nw7/RgQyg=",            // padding inside
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=AAAA",        // 35 bytes
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/Rg",                // 30 bytes
            "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQy==",            // 31 bytes
            "",
            "====",
        ]
        for candidate in refused {
            #expect(Hash(base64: candidate) == nil, "\(candidate)")
        }
    }

    @Test func equalAndHashableByAllBytes() throws {
        var set: Set<Hash> = [Self.sample]
        for bit in stride(from: 0, to: 256, by: 17) {
            let other = try flippingBit(bit, of: Self.sample)
            #expect(other != Self.sample)
            set.insert(other)
        }
        #expect(set.count == 1 + 16)
        #expect(set.contains(hexHash(Self.sample.hex)))
    }
}
