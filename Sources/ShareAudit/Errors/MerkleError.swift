/// Why a Merkle tree operation or a proof check did not succeed.
///
/// `code` is stable and meant for programs; `reason` is a sentence for people and may change.
/// Two errors are equal when their codes are equal.
public struct MerkleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// A leaf index is negative or not below the tree size it is asked about.
        public static let indexOutOfRange = Code("index-out-of-range")
        /// A tree size is negative, larger than the tree, zero where a proof needs a leaf,
        /// or a consistency proof is asked from a larger size to a smaller one.
        public static let sizeOutOfRange = Code("size-out-of-range")
        /// A proof does not lead to the expected root(s): tampered, truncated, too long,
        /// or for other leaves, sizes or roots than claimed.
        public static let invalidProof = Code("invalid-proof")
        /// Bytes or text that should hold a 32-byte hash do not.
        public static let malformedHash = Code("malformed-hash")
        /// A tree head whose fields break the format documented on `TreeHead`.
        public static let malformedTreeHead = Code("malformed-tree-head")
        /// A tree answering from stored subtree hashes lacks one a query needs.
        public static let subtreeMissing = Code("subtree-missing")

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: MerkleError, rhs: MerkleError) -> Bool { lhs.code == rhs.code }
}
