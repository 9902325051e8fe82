public import Crypto
import Foundation

/// A public EC P-256 JSON Web Key (RFC 7517) as published in the directory's JWKS.
public struct JWK: Sendable, Codable, Equatable {
    public var kty: String
    public var crv: String
    public var x: String
    public var y: String
    public var kid: String?
    public var use: String?
    public var alg: String?

    /// The JWK of a P-256 public key, with `kid` set to its RFC 7638 thumbprint.
    public init(publicKey: P256.Signing.PublicKey) {
        let raw = publicKey.rawRepresentation
        self.kty = "EC"
        self.crv = "P-256"
        self.x = Base64URL.encode(raw.prefix(32))
        self.y = Base64URL.encode(raw.suffix(32))
        self.use = "sig"
        self.alg = "ES256"
        self.kid = nil
        self.kid = thumbprint
    }

    public init(kty: String, crv: String, x: String, y: String, kid: String? = nil) {
        self.kty = kty
        self.crv = crv
        self.x = x
        self.y = y
        self.kid = kid
        self.use = "sig"
        self.alg = "ES256"
    }

    /// The RFC 7638 thumbprint: base64url(SHA-256 of `{"crv","kty","x","y"}` in that order, no spaces).
    public var thumbprint: String {
        let canonical = #"{"crv":"\#(crv)","kty":"\#(kty)","x":"\#(x)","y":"\#(y)"}"#
        return Base64URL.encode(Data(SHA256.hash(data: Data(canonical.utf8))))
    }

    /// The verification key. Throws `JWSError.Code.invalidKey` unless this is a valid P-256 point.
    public func publicKey() throws -> P256.Signing.PublicKey {
        guard kty == "EC", crv == "P-256" else {
            throw JWSError(.invalidKey, "Only EC keys on curve P-256 are supported (got kty '\(kty)', crv '\(crv)').")
        }
        guard let xBytes = Base64URL.decode(x), let yBytes = Base64URL.decode(y), xBytes.count == 32, yBytes.count == 32,
              let key = try? P256.Signing.PublicKey(rawRepresentation: xBytes + yBytes) else {
            throw JWSError(.invalidKey, "'x' and 'y' must be the base64url of 32-byte coordinates of a point on P-256.")
        }
        return key
    }
}

extension P256.Signing.PrivateKey {
    /// Reads a PEM private key (PKCS#8 or SEC 1). Throws `JWSError.Code.invalidKey`.
    public static func fromPEM(_ pem: String) throws -> P256.Signing.PrivateKey {
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: pem)
        } catch {
            throw JWSError(.invalidKey, "The file is not a PEM P-256 private key.")
        }
    }
}
