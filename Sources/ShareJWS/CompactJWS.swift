public import Foundation
import ShareModel

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
    public init(compact data: Data) throws {
        let bytes = [UInt8](data)
        let dot = UInt8(ascii: ".")
        let found = bytes.withUnsafeBytes { raw -> (Int, Int)? in
            guard let first = raw.firstOffset(of: dot), let second = raw.firstOffset(of: dot, from: first + 1),
                  raw.firstOffset(of: dot, from: second + 1) == nil else { return nil }
            return (first, second)
        }
        guard let dots = found else {
            throw JWSError(.malformed, "A compact JWS has three base64url parts separated by dots; this has \(bytes.count { $0 == dot } + 1).")
        }
        let encodedHeader = bytes[..<dots.0]
        let encodedPayload = bytes[(dots.0 + 1)..<dots.1]
        guard let headerBytes = Base64URL.decode(bytes: encodedHeader),
              let header = (try? JSONValue(parsing: headerBytes))?.objectValue else {
            throw JWSError(.malformed, "The protected header is not base64url-encoded JSON object.")
        }
        guard let payload = Base64URL.decode(bytes: encodedPayload) else {
            throw JWSError(.malformed, "The payload is not valid base64url.")
        }
        guard let signature = Base64URL.decode(bytes: bytes[(dots.1 + 1)...]) else {
            throw JWSError(.malformed, "The signature is not valid base64url.")
        }
        self.algorithm = header["alg"]?.stringValue
        self.keyID = header["kid"]?.stringValue
        self.hasCriticalExtensions = header["crit"] != nil
        self.payload = payload
        self.signature = signature
        self.signingInput = Data(bytes[..<dots.1])
    }

    /// `data` without the whitespace (SP, HT, CR, LF) that may follow a compact JWS, such as the
    /// final newline of a file saved by `sharectl sign > referral.jws`. None of these characters
    /// can be part of a compact JWS, so nothing of the message is lost; `data` itself when none follows.
    public static func trimmingTrailingWhitespace(_ data: Data) -> Data {
        var end = data.endIndex
        while end > data.startIndex, [0x20, 0x09, 0x0D, 0x0A].contains(data[end - 1]) { end -= 1 }
        return end == data.endIndex ? data : Data(data[..<end])
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
