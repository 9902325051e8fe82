public import Foundation

/// A JWS in compact serialization (RFC 7515 section 7.1), split and decoded but not yet verified.
public struct CompactJWS: Sendable {
    /// The `alg` header parameter.
    public let algorithm: String?
    /// The `kid` header parameter.
    public let keyID: String?
    /// Whether the header has a `crit` parameter (critical extensions).
    public let hasCriticalExtensions: Bool
    /// The exact payload bytes that were signed.
    public let payload: Data
    /// The raw 64-byte ES256 signature (R || S).
    public let signature: Data
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`: the bytes the signature covers.
    public let signingInput: Data

    /// Splits and decodes compact serialization. Throws `JWSError.Code.malformed` with the reason.
    public init(compact bytes: Data) throws {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw JWSError(.malformed, "A compact JWS has three base64url parts separated by dots; this has \(parts.count).")
        }
        guard let headerBytes = Base64URL.decode(bytes: parts[0]),
              let header = (try? JSONSerialization.jsonObject(with: headerBytes)) as? [String: Any] else {
            throw JWSError(.malformed, "The protected header is not base64url-encoded JSON object.")
        }
        guard let payload = Base64URL.decode(bytes: parts[1]) else {
            throw JWSError(.malformed, "The payload is not valid base64url.")
        }
        guard let signature = Base64URL.decode(bytes: parts[2]) else {
            throw JWSError(.malformed, "The signature is not valid base64url.")
        }
        self.algorithm = header["alg"] as? String
        self.keyID = header["kid"] as? String
        self.hasCriticalExtensions = header["crit"] != nil
        self.payload = payload
        self.signature = signature
        self.signingInput = Data(parts[0]) + Data([UInt8(ascii: ".")]) + Data(parts[1])
    }

    /// Checks the header for what we sign with: ES256, a `kid`, and no unknown critical extensions.
    public func requireES256() throws -> String {
        guard let algorithm else {
            throw JWSError(.unsupportedAlgorithm, "The protected header has no 'alg'; messages must be signed with ES256.")
        }
        guard algorithm == "ES256" else {
            throw JWSError(.unsupportedAlgorithm, "The algorithm '\(algorithm)' is not accepted; messages must be signed with ES256 (ECDSA P-256, SHA-256).")
        }
        if hasCriticalExtensions {
            throw JWSError(.invalidHeader, "The protected header names critical extensions ('crit'), which the broker does not support.")
        }
        guard let keyID, !keyID.isEmpty else {
            throw JWSError(.invalidHeader, "The protected header has no 'kid'; name the signing key by its RFC 7638 thumbprint as listed in /v1/directory.")
        }
        return keyID
    }
}
