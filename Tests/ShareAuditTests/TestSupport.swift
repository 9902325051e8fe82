import ShareAudit
import Testing

/// Records an issue unless `body` throws a `MerkleError` with exactly `code`.
func expectMerkleError(_ code: MerkleError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    let error = #expect(throws: MerkleError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error?.code == code, "expected \(code), got \(String(describing: error))", sourceLocation: sourceLocation)
}

/// The hash written as 64 hex digits in a test vector; traps on a typo in the vector.
func hexHash(_ hex: String) -> Hash {
    guard let hash = Hash(hex: hex) else { preconditionFailure("test vector \(hex) is not 32 bytes of hex") }
    return hash
}

/// The bytes written as hex digits in a test vector.
func hexBytes(_ hex: String) -> [UInt8] {
    precondition(hex.utf8.count % 2 == 0, "odd-length hex \(hex)")
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        guard let byte = UInt8(hex[index..<next], radix: 16) else { preconditionFailure("bad hex \(hex)") }
        bytes.append(byte)
        index = next
    }
    return bytes
}

/// Distinct, deterministic leaf hashes `0..<count`, hashed by the reference implementation.
func sampleLeafHashes(_ count: Int) -> [Hash] {
    (0..<count).map { ReferenceMerkle.leafHash(Array("sharebroker audit entry \($0)".utf8)) }
}

/// A tree holding `sampleLeafHashes(count)`.
func sampleTree(_ count: Int) -> MerkleTree {
    MerkleTree(leafHashes: sampleLeafHashes(count))
}

/// `hash` with bit `bit` (0 = most significant bit of byte 0) flipped.
func flippingBit(_ bit: Int, of hash: Hash) throws -> Hash {
    var bytes = hash.bytes
    bytes[bit / 8] ^= 0x80 >> UInt8(bit % 8)
    return try Hash(bytes: bytes)
}

/// A hash that no tree in these tests contains.
let garbageHash = hexHash("abacaba000000000000000000000000000000000000000000060061e00123456")
