public import Crypto
public import Foundation

/// ES256 (ECDSA with P-256 and SHA-256) signing and verification of compact JWS.
public enum ES256 {
    /// Verifies the signature of `jws` with `key`. Throws `JWSError.Code.badSignature`.
    public static func verify(_ jws: CompactJWS, with key: P256.Signing.PublicKey) throws {
        var signingInput = SHA256()
        signingInput.update(data: jws.signingInput)
        try verify(jws, with: key, signingInputHashed: signingInput)
    }

    /// Verifies `jws` as `verify(_:with:)` does and answers SHA-256 of `serialization`, the
    /// bytes `jws` was read from (a compact JWS, or an SD-JWT, which begins with its
    /// issuer-signed JWS): the signing input, which begins both, is hashed once for the two.
    /// A `serialization` that does not begin with the signing input is hashed whole.
    public static func verify(_ jws: CompactJWS, with key: P256.Signing.PublicKey,
                              digesting serialization: Data) throws -> SHA256.Digest {
        var hash = SHA256()
        hash.update(data: jws.signingInput)
        try verify(jws, with: key, signingInputHashed: hash)
        guard serialization.prefix(jws.signingInput.count) == jws.signingInput else { return SHA256.hash(data: serialization) }
        hash.update(data: serialization.dropFirst(jws.signingInput.count))
        return hash.finalize()
    }

    /// Checks the signature over the signing input whose hashing so far is `signingInput`.
    private static func verify(_ jws: CompactJWS, with key: P256.Signing.PublicKey, signingInputHashed signingInput: SHA256) throws {
        guard jws.signature.count == 64,
              let signature = try? P256.Signing.ECDSASignature(rawRepresentation: jws.signature),
              key.isValidSignature(signature, for: signingInput.finalize()) else {
            throw JWSError(.badSignature, "The signature does not verify with the key named by 'kid': the message was altered or signed with another key.")
        }
    }

    /// Signs `payload` and returns the compact serialization, with header `{"alg":"ES256","kid":…,"typ":…}`
    /// (`typ` "JOSE" unless given).
    public static func sign(payload: Data, with key: P256.Signing.PrivateKey, kid: String, type: String = "JOSE") throws -> String {
        let header = try JSONSerialization.data(
            withJSONObject: ["alg": "ES256", "kid": kid, "typ": type], options: [.sortedKeys])
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}

/// A P-256 public key that can be shared between tasks.
///
/// `@unchecked Sendable` is safe: the wrapped key is immutable after creation and swift-crypto
/// only reads it when verifying; the annotation is missing upstream, not the guarantee.
public struct VerificationKey: @unchecked Sendable {
    public let key: P256.Signing.PublicKey

    public init(_ key: P256.Signing.PublicKey) {
        self.key = key
    }
}
