/// A tree head the broker signed, as kept in the store.
public struct SignedTreeHeadRecord: Sendable, Equatable {
    public let treeSize: Int
    /// Base64 of the root hash.
    public let rootHash: String
    /// RFC 3339.
    public let timestamp: String
    /// The compact JWS over the canonical tree head JSON.
    public let signed: String

    public init(treeSize: Int, rootHash: String, timestamp: String, signed: String) {
        self.treeSize = treeSize
        self.rootHash = rootHash
        self.timestamp = timestamp
        self.signed = signed
    }
}
