/// Why a JWS was not accepted. The `description` names the problem, never the content.
public struct JWSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, extensible error code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// Not three base64url parts separated by dots, or a header that is not a JSON object.
        public static let malformed = Code("malformed")
        /// `alg` is missing or is not ES256 (`none` and HMAC algorithms are never accepted).
        public static let unsupportedAlgorithm = Code("unsupported-algorithm")
        /// The header lacks a `kid`, or names critical extensions we do not understand.
        public static let invalidHeader = Code("invalid-header")
        /// The signature does not verify with the key.
        public static let badSignature = Code("bad-signature")
        /// A key could not be read.
        public static let invalidKey = Code("invalid-key")

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: JWSError, rhs: JWSError) -> Bool { lhs.code == rhs.code }
}
