import Crypto

/// A 32-byte SHA-256 value: a leaf hash, an interior node hash or a tree root.
///
/// Always exactly 32 bytes (the initialisers refuse anything else). It is stored inline as four
/// 64-bit words, so it never allocates; equality and `Hashable` compare all 32 bytes.
/// Text forms: `base64` (standard alphabet with padding, 44 characters, the form used in
/// `TreeHead` and proofs on the wire) and `hex` (64 lowercase digits, for logs and test vectors).
public struct Hash: Hashable, Sendable, CustomStringConvertible {
    /// The number of bytes in every hash.
    public static let byteCount = 32

    // Bytes 0-7, 8-15, 16-23 and 24-31, each read big-endian.
    private let word0: UInt64
    private let word1: UInt64
    private let word2: UInt64
    private let word3: UInt64

    /// The hash with the given 32 bytes. Throws `MerkleError.Code.malformedHash` for any other length.
    public init(bytes: some Collection<UInt8>) throws(MerkleError) {
        guard bytes.count == Hash.byteCount else {
            throw MerkleError(.malformedHash, "A hash is \(Hash.byteCount) bytes; this has \(bytes.count).")
        }
        self = Array(bytes).withUnsafeBytes { Hash(loading: $0, at: 0) }
    }

    /// The hash in the 32 bytes of `raw` from `offset`, which the caller has checked are there.
    init(loading raw: UnsafeRawBufferPointer, at offset: Int) {
        self.init(UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                  UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)),
                  UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self)),
                  UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset + 24, as: UInt64.self)))
    }

    /// Decodes 64 hexadecimal digits (either case); `nil` for any other text.
    public init?(hex: some StringProtocol) {
        guard let bytes = Hex.decode(hex), let hash = try? Hash(bytes: bytes) else { return nil }
        self = hash
    }

    /// Decodes the 44-character padded standard base64 of 32 bytes; `nil` for any other text,
    /// including base64url, missing padding, whitespace and non-canonical trailing bits.
    public init?(base64: some StringProtocol) {
        guard let bytes = Base64.decode(base64), let hash = try? Hash(bytes: bytes) else { return nil }
        self = hash
    }

    init(digest: SHA256.Digest) {
        self = digest.withUnsafeBytes { Hash(loading: $0, at: 0) }
    }

    private init(_ word0: UInt64, _ word1: UInt64, _ word2: UInt64, _ word3: UInt64) {
        self.word0 = word0
        self.word1 = word1
        self.word2 = word2
        self.word3 = word3
    }

    /// The 32 bytes, in order.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The 64 lowercase hexadecimal digits of the bytes.
    public var hex: String { Hex.encode(bytes) }

    /// The padded standard base64 of the bytes (44 characters).
    public var base64: String { Base64.encode(bytes) }

    public var description: String { hex }

    /// Calls `body` with the 32 bytes, without allocating.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let bigEndian = (word0.bigEndian, word1.bigEndian, word2.bigEndian, word3.bigEndian)
        return Swift.withUnsafeBytes(of: bigEndian, body)
    }
}
