import Crypto
import Foundation
import ShareJWS
import Testing

/// The RFC key's x without its last byte: valid base64url of a 31-byte coordinate.
private let x31 = independentBase64URL(Data(RFC7515.xBytes.prefix(31)))

@Suite("JWK and base64url")
struct JWKTests {
    private let rfcJWK = JWK(kty: "EC", crv: "P-256", x: RFC7515.x, y: RFC7515.y)

    // The kid agencies publish is the RFC 7638 thumbprint, as other JOSE libraries compute it.
    @Test func thumbprintMatchesIndependentComputation() {
        #expect(independentBase64URL(Data(RFC7515.xBytes)) == RFC7515.x)
        #expect(independentBase64URL(Data(RFC7515.yBytes)) == RFC7515.y)
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(RFC7515.x)","y":"\#(RFC7515.y)"}"#
        let expected = independentBase64URL(Data(SHA256.hash(data: Data(canonical.utf8))))
        #expect(rfcJWK.thumbprint == expected)
        #expect(rfcJWK.thumbprint == RFC7515.thumbprint)
    }

    // The thumbprint covers only crv, kty, x and y: kid, use and alg do not change it.
    @Test func thumbprintIgnoresOptionalMembers() {
        var other = JWK(kty: "EC", crv: "P-256", x: RFC7515.x, y: RFC7515.y, kid: "something-else")
        other.use = "enc"
        other.alg = nil
        #expect(other.thumbprint == rfcJWK.thumbprint)
    }

    // A fresh key's JWK has kid = thumbprint and gives back the same public key.
    @Test func publicKeyRoundTrip() throws {
        for _ in 0..<8 {
            let key = P256.Signing.PrivateKey().publicKey
            let jwk = JWK(publicKey: key)
            #expect(jwk.kty == "EC" && jwk.crv == "P-256" && jwk.use == "sig" && jwk.alg == "ES256")
            #expect(jwk.kid == jwk.thumbprint)
            #expect(jwk.x.count == 43 && jwk.y.count == 43)
            #expect(try jwk.publicKey().rawRepresentation == key.rawRepresentation)
        }
    }

    // A JWK survives JSON encoding, and JSON from other tools (with extra members such as d) decodes.
    @Test func codableRoundTrip() throws {
        let jwk = JWK(publicKey: P256.Signing.PrivateKey().publicKey)
        #expect(try JSONDecoder().decode(JWK.self, from: try JSONEncoder().encode(jwk)) == jwk)
        let text = #"{"kty":"EC","crv":"P-256","x":"\#(RFC7515.x)","y":"\#(RFC7515.y)","d":"\#(RFC7515.d)"}"#
        let decoded = try JSONDecoder().decode(JWK.self, from: Data(text.utf8))
        #expect(decoded.thumbprint == RFC7515.thumbprint)
        #expect(try decoded.publicKey().rawRepresentation == (try rfcJWK.publicKey()).rawRepresentation)
    }

    // Keys that are not P-256 points are refused with invalidKey, never half-accepted.
    @Test(arguments: [
        ("EC", "P-384", RFC7515.x, RFC7515.y),
        ("RSA", "P-256", RFC7515.x, RFC7515.y),
        ("EC", "secp256k1", RFC7515.x, RFC7515.y),
        ("EC", "P-256", x31, RFC7515.y),                                            // 31-byte x
        ("EC", "P-256", RFC7515.x, independentBase64URL(Data([0] + RFC7515.yBytes))), // 33-byte y
        ("EC", "P-256", RFC7515.x + "A", RFC7515.y),                                // not base64url (length)
        ("EC", "P-256", RFC7515.x, "x_FEzRjmX0ILJ2EnNq1wgtmAu0Aml4xTfpIE2-pGxMg"),  // not on the curve
        ("EC", "P-256", RFC7515.x + "=", RFC7515.y),                                // padded
        ("EC", "P-256", "", ""),
    ])
    func invalidKeys(kty: String, crv: String, x: String, y: String) {
        expectJWSError(.invalidKey) { _ = try JWK(kty: kty, crv: crv, x: x, y: y).publicKey() }
    }

    // The 31-byte coordinate above decodes (to 31 bytes), so it is the length rule that refuses it.
    @Test func shortCoordinateIs31Bytes() throws {
        #expect(try #require(Base64URL.decode(x31)).count == 31)
    }

    // PEM private keys load; anything else is invalidKey.
    @Test func privateKeyFromPEM() throws {
        let key = P256.Signing.PrivateKey()
        #expect(try P256.Signing.PrivateKey.fromPEM(key.pemRepresentation).rawRepresentation == key.rawRepresentation)
        expectJWSError(.invalidKey) { _ = try P256.Signing.PrivateKey.fromPEM("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----") }
        expectJWSError(.invalidKey) { _ = try P256.Signing.PrivateKey.fromPEM("not a key") }
    }

    // base64url is unpadded and uses - and _ (RFC 7515 section 2).
    @Test func base64URLEncodesWithURLAlphabet() {
        #expect(Base64URL.encode(Data([0xfb, 0xff])) == "-_8")
        #expect(Base64URL.encode(Data([0xfb, 0xef, 0xbe])) == "----")
        #expect(Base64URL.encode(Data([0xff, 0xff, 0xff])) == "____")
        #expect(Base64URL.encode(Data()) == "")
        #expect(Base64URL.encode(Data("a".utf8)) == "YQ")
    }

    // Every length round-trips, and matches an independent encoding.
    @Test func base64URLRoundTrips() {
        for length in 0..<70 {
            let bytes = Data((0..<length).map { _ in UInt8.random(in: 0...255) })
            let text = Base64URL.encode(bytes)
            #expect(text == independentBase64URL(bytes))
            #expect(Base64URL.decode(text) == bytes)
        }
    }

    // Padding, the standard alphabet's + and /, stray characters (in a whole group of four or in the tail), bits left over after the last byte and impossible lengths are refused.
    @Test(arguments: ["YQ==", "YQ=", "-_8=", "+/8", "a+b", "a/b", "YQ!", "Y Q", "YWJjZ", "YR", "-_9", "YWJ!ZGVm", "YWJj\u{7F}GVm", "ZGVmYWJ+"])
    func base64URLRejects(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }
}
