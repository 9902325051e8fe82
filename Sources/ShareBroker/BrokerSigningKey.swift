import Crypto
import Foundation
public import ShareJWS

/// An ES256 key of the broker's own: one signs the audit log's tree heads, another the notices
/// the broker sends (delivery-failed/1, response-overdue/1). Their public halves are in the directory.
public struct BrokerSigningKey: Sendable {
    private let pem: String
    /// The public key as a JWK, `kid` its RFC 7638 thumbprint.
    public let publicJWK: JWK

    /// Reads a PEM (PKCS#8) P-256 private key.
    public init(pem: String) throws {
        let key = try P256.Signing.PrivateKey.fromPEM(pem)
        self.pem = pem
        self.publicJWK = JWK(publicKey: key.publicKey)
    }

    /// A compact JWS of `payload`, with `kid` the key's thumbprint.
    func sign(_ payload: Data) throws -> String {
        try ES256.sign(payload: payload, with: try P256.Signing.PrivateKey.fromPEM(pem), kid: publicJWK.thumbprint)
    }
}
