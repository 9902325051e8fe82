public import Crypto
public import Foundation
import ShareJWS
import ShareModel

/// Signs envelopes as compact JWS (ES256) with an agency's signing key; `kid` is the key's
/// RFC 7638 thumbprint, as the broker's directory lists it.
public struct MessageSigner {
    public let key: P256.Signing.PrivateKey
    public let kid: String

    public init(key: P256.Signing.PrivateKey) {
        self.key = key
        self.kid = JWK(publicKey: key.publicKey).thumbprint
    }

    /// Reads a PEM (PKCS#8) signing key file.
    public init(keyFile path: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ShareClientError(status: nil, problem: nil, reason: "Cannot read the signing key file \(path).")
        }
        do {
            self.init(key: try P256.Signing.PrivateKey.fromPEM(text))
        } catch {
            throw ShareClientError(status: nil, problem: nil, reason: "\(path) is not a PEM P-256 private key.")
        }
    }

    /// The compact JWS of exactly these envelope bytes.
    public func sign(envelope: Data) throws -> String {
        try ES256.sign(payload: envelope, with: key, kid: kid)
    }

    /// An SD-JWT (RFC 9901, no key binding) of the envelope, signed once, in which each member
    /// at a pointer in `disclosable` (such as `/payload/incidentNarrative`; only members inside
    /// `payload` are accepted by the broker) is a disclosure with a random 128-bit salt, so that
    /// the broker can hand each recipient only those its policy allows.
    public func sign(envelope: Data, disclosable: [String]) throws -> String {
        let document: JSONValue
        do {
            document = try JSONValue(parsing: envelope)
        } catch {
            throw ShareClientError(status: nil, problem: nil, reason: "The envelope is not JSON: \(error)")
        }
        do {
            return try SDJWT.issue(document, disclosable: disclosable.map(JSONPointer.init(stringLiteral:)), key: key, kid: kid)
        } catch let error as SDJWTError {
            throw ShareClientError(status: nil, problem: nil, reason: error.reason)
        }
    }
}

/// Checks that a delivery was signed by a key the directory lists for its sender, so a
/// recipient need not trust the broker for who sent it.
public struct DeliveryVerifier: Sendable {
    /// The sender id of the broker's own notices, signed with its `broker.signingKeys`.
    public static let broker = "sharebroker"

    private let keys: [String: (agency: String, key: VerificationKey, retiredAt: Date?)]

    public init(directory: DirectoryAnswer) throws {
        var keys: [String: (agency: String, key: VerificationKey, retiredAt: Date?)] = [:]
        let owners = directory.agencies.map { ($0.id, $0.keys) } + [(Self.broker, directory.broker.signingKeys)]
        for (owner, jwks) in owners {
            for jwk in jwks {
                let key = JWK(kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y)
                keys[key.thumbprint] = (owner, VerificationKey(try key.publicKey()), jwk.retiredAt.flatMap(Timestamp.parse))
            }
        }
        self.keys = keys
    }

    /// The verified envelope bytes; for an SD-JWT, the envelope with the disclosures received
    /// put back (each checked against the signed digests). Throws `ShareClientError` if the
    /// signature, key, sender or a disclosure is wrong.
    public func verify(_ delivery: Delivery) throws -> Data {
        func refuse(_ reason: String) -> ShareClientError {
            ShareClientError(status: nil, problem: nil, reason: "Delivery \(delivery.id): \(reason)")
        }
        let body = Data(delivery.jws.utf8)
        let sdjwt = SDJWT.isSDJWT(body) ? try SDJWT(compact: body) : nil
        let jws = try sdjwt?.jws ?? CompactJWS(compact: body)
        let kid = try jws.requireES256()
        guard let signer = keys[kid] else { throw refuse("no directory key has kid '\(kid)'.") }
        guard signer.agency == delivery.sender else {
            throw refuse("signed by a key of '\(signer.agency)', not of the sender '\(delivery.sender)'.")
        }
        if let retiredAt = signer.retiredAt, Timestamp.parse(delivery.createdAt).map({ $0 >= retiredAt }) ?? true {
            throw refuse("signed with key '\(kid)', which its agency retired at \(Timestamp.format(retiredAt)), before the broker accepted the message.")
        }
        do {
            try ES256.verify(jws, with: signer.key.key)
        } catch {
            throw refuse("the signature does not verify.")
        }
        guard let sdjwt else { return jws.payload }
        do {
            return JSONWriter.data(try sdjwt.reconstruct().document)
        } catch let error as SDJWTError {
            throw refuse("its disclosures do not fit the signed payload: \(error.reason)")
        }
    }
}
