/// The state of the log at one moment: how many leaves it held, their root, and when.
/// Signed (as a JWS payload) it becomes a signed tree head, which clients keep and auditors
/// compare: two signed heads of the same log must be connected by a consistency proof.
///
/// ## Canonical JSON
/// The signed bytes are `canonicalJSON()`: one JSON object with exactly the three members below,
/// keys in byte order, no whitespace anywhere, no trailing newline, UTF-8:
///
///     {"rootHash":"<44-character base64>","timestamp":"<RFC 3339>","treeSize":<decimal>}
///
/// for example
///
///     {"rootHash":"XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=","timestamp":"2025-03-01T09:30:00.000Z","treeSize":8}
///
/// `treeSize` is written in decimal without sign, leading zeros, fraction or exponent; `/` in
/// base64 is not escaped. Only valid heads (see `validate()`) have a canonical form; their
/// strings never need JSON escapes, so these are also the bytes `JSONEncoder` writes with
/// `[.sortedKeys, .withoutEscapingSlashes]`, the broker's JSON convention.
/// Verifiers check the signature over the bytes they received, then decode them; they never
/// re-encode.
public struct TreeHead: Codable, Sendable, Equatable {
    /// The number of leaves in the log; `0` for an empty log.
    public let treeSize: Int
    /// The root hash `MTH(D[0:treeSize])`, padded standard base64 of 32 bytes.
    public let rootHash: String
    /// When the head was made, as an RFC 3339 date-time (the broker writes UTC with milliseconds).
    public let timestamp: String

    /// A head with the given fields, taken as they are; call `validate()` before trusting them.
    public init(treeSize: Int, rootHash: String, timestamp: String) {
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.timestamp = timestamp
    }

    /// A head for a root computed here, written in base64.
    public init(treeSize: Int, rootHash: Hash, timestamp: String) {
        self.init(treeSize: treeSize, rootHash: rootHash.base64, timestamp: timestamp)
    }

    /// Decodes the three fields and refuses a head that `validate()` would refuse.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            treeSize: try container.decode(Int.self, forKey: .treeSize),
            rootHash: try container.decode(String.self, forKey: .rootHash),
            timestamp: try container.decode(String.self, forKey: .timestamp)
        )
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.reason))
        }
    }

    private enum CodingKeys: String, CodingKey {
        case treeSize, rootHash, timestamp
    }

    /// Checks the format: `treeSize >= 0`, `rootHash` is the canonical padded base64 of exactly
    /// 32 bytes, and `timestamp` is an RFC 3339 date-time (see `RFC3339`). Throws
    /// `.malformedTreeHead` naming the first field that is wrong. Says nothing about whether the
    /// root belongs to the size: that is what signatures and proofs are for.
    public func validate() throws(MerkleError) {
        guard treeSize >= 0 else {
            throw MerkleError(.malformedTreeHead, "The tree size is \(treeSize); it cannot be negative.")
        }
        guard Hash(base64: rootHash) != nil else {
            throw MerkleError(.malformedTreeHead, "The root hash is not the padded standard base64 of 32 bytes.")
        }
        guard RFC3339.isValidDateTime(timestamp) else {
            throw MerkleError(.malformedTreeHead, "The timestamp is not an RFC 3339 date-time such as 2025-03-01T09:30:00.000Z.")
        }
    }

    /// The root hash as a `Hash`. Throws `.malformedTreeHead` if it is not valid base64 of 32 bytes.
    public func decodedRootHash() throws(MerkleError) -> Hash {
        guard let hash = Hash(base64: rootHash) else {
            throw MerkleError(.malformedTreeHead, "The root hash is not the padded standard base64 of 32 bytes.")
        }
        return hash
    }

    /// The canonical JSON bytes described on the type, for signing. Throws `.malformedTreeHead`
    /// (from `validate()`) for a head that has no canonical form.
    public func canonicalJSON() throws(MerkleError) -> [UInt8] {
        try validate()
        let text = #"{"rootHash":""# + rootHash + #"","timestamp":""# + timestamp + #"","treeSize":"# + String(treeSize) + "}"
        return Array(text.utf8)
    }
}
