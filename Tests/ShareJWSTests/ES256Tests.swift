import Crypto
import Foundation
import ShareJWS
import Testing

@Suite("ES256 sign and verify")
struct ES256Tests {
    private func rfcKey() throws -> P256.Signing.PublicKey {
        try JWK(kty: "EC", crv: "P-256", x: RFC7515.x, y: RFC7515.y).publicKey()
    }

    // Interoperability: the RFC 7515 A.3 example JWS verifies with the RFC's key.
    @Test func rfc7515ExampleVerifies() throws {
        let jws = try CompactJWS(compact: Data(RFC7515.compact.utf8))
        #expect(jws.algorithm == "ES256")
        #expect(jws.keyID == nil)
        #expect(jws.payload == Data(RFC7515.payloadText.utf8))
        #expect(jws.signature == Data(RFC7515.r + RFC7515.s))
        try ES256.verify(jws, with: try rfcKey())
    }

    // The example's private key d derives exactly the public x and y used above (the test key is the RFC's).
    @Test func rfc7515PrivateKeyMatchesPublicKey() throws {
        let d = try #require(Base64URL.decode(RFC7515.d))
        let privateKey = try P256.Signing.PrivateKey(rawRepresentation: d)
        #expect(privateKey.publicKey.rawRepresentation == (try rfcKey()).rawRepresentation)
    }

    // Verifying while digesting answers SHA-256 of the whole serialization, whether it is the
    // JWS, an SD-JWT that begins with it, or (hashed whole) bytes that do not begin with it.
    @Test func verifyDigestingHashesTheWholeSerialization() throws {
        let compact = Data(RFC7515.compact.utf8)
        let jws = try CompactJWS(compact: compact)
        #expect(try ES256.verify(jws, with: try rfcKey(), digesting: compact) == SHA256.hash(data: compact))
        let sdjwt = Data((RFC7515.compact + "~WyJzYWx0IiwibmFtZSIsIkphbmUiXQ~").utf8)
        #expect(try ES256.verify(jws, with: try rfcKey(), digesting: sdjwt) == SHA256.hash(data: sdjwt))
        let other = Data("not the JWS at all".utf8)
        #expect(try ES256.verify(jws, with: try rfcKey(), digesting: other) == SHA256.hash(data: other))
        let altered = try CompactJWS(compact: replacingPart(0, of: RFC7515.compact, with: independentBase64URL(Data(#"{"alg": "ES256"}"#.utf8))))
        expectJWSError(.badSignature) { _ = try ES256.verify(altered, with: try rfcKey(), digesting: compact) }
    }

    // The RFC example has no kid, so the broker's header policy refuses it even though it verifies.
    @Test func rfc7515ExampleLacksKid() throws {
        let jws = try CompactJWS(compact: Data(RFC7515.compact.utf8))
        expectJWSError(.invalidHeader) { _ = try jws.requireES256() }
    }

    // The signing input is the first two parts byte for byte, not a re-encoding.
    @Test func signingInputIsFirstTwoParts() throws {
        let jws = try CompactJWS(compact: Data(RFC7515.compact.utf8))
        #expect(jws.signingInput == Data((RFC7515.header + "." + RFC7515.payload).utf8))
    }

    // A header with the same JSON meaning but other bytes is a different signing input.
    @Test func reencodedHeaderBreaksSignature() throws {
        let respaced = independentBase64URL(Data(#"{"alg": "ES256"}"#.utf8))
        let jws = try CompactJWS(compact: replacingPart(0, of: RFC7515.compact, with: respaced))
        #expect(jws.algorithm == "ES256")
        expectJWSError(.badSignature) { try ES256.verify(jws, with: try rfcKey()) }
    }

    // What we sign, we verify; the header names the kid and ES256.
    @Test func signVerifyRoundTrip() throws {
        let key = P256.Signing.PrivateKey()
        let payload = Data(#"{"hello":"world","n":1}"#.utf8)
        let compact = try ES256.sign(payload: payload, with: key, kid: "kid-1")
        let jws = try CompactJWS(compact: Data(compact.utf8))
        #expect(try jws.requireES256() == "kid-1")
        #expect(jws.payload == payload)
        #expect(jws.signature.count == 64)
        try ES256.verify(jws, with: key.publicKey)
        let header = try JSONSerialization.jsonObject(with: try decodedPart(0, of: compact)) as? [String: String]
        #expect(header == ["alg": "ES256", "kid": "kid-1", "typ": "JOSE"])
    }

    // Any change to the payload after signing is detected.
    @Test func flippedPayloadByteFails() throws {
        let key = P256.Signing.PrivateKey()
        let compact = try ES256.sign(payload: Data(#"{"amount":100}"#.utf8), with: key, kid: "k")
        var payload = try decodedPart(1, of: compact)
        payload[payload.startIndex + 3] ^= 0x01
        let jws = try CompactJWS(compact: replacingPart(1, of: compact, with: independentBase64URL(payload)))
        expectJWSError(.badSignature) { try ES256.verify(jws, with: key.publicKey) }
    }

    // Any change to the signature is detected.
    @Test func flippedSignatureByteFails() throws {
        let key = P256.Signing.PrivateKey()
        let compact = try ES256.sign(payload: Data("x".utf8), with: key, kid: "k")
        for position in [0, 31, 32, 63] {
            var signature = try decodedPart(2, of: compact)
            signature[signature.startIndex + position] ^= 0x80
            let jws = try CompactJWS(compact: replacingPart(2, of: compact, with: independentBase64URL(signature)))
            expectJWSError(.badSignature) { try ES256.verify(jws, with: key.publicKey) }
        }
    }

    // A signature shorter than 64 bytes (or DER-encoded) is refused, not misread.
    @Test func truncatedOrDERSignatureFails() throws {
        let key = P256.Signing.PrivateKey()
        let payload = Data("x".utf8)
        let compact = try ES256.sign(payload: payload, with: key, kid: "k")
        let signature = try decodedPart(2, of: compact)
        let truncated = try CompactJWS(compact: replacingPart(2, of: compact, with: independentBase64URL(signature.prefix(63))))
        expectJWSError(.badSignature) { try ES256.verify(truncated, with: key.publicKey) }
        let empty = try CompactJWS(compact: replacingPart(2, of: compact, with: ""))
        expectJWSError(.badSignature) { try ES256.verify(empty, with: key.publicKey) }
        let der = try P256.Signing.ECDSASignature(rawRepresentation: signature).derRepresentation
        let derJWS = try CompactJWS(compact: replacingPart(2, of: compact, with: independentBase64URL(der)))
        expectJWSError(.badSignature) { try ES256.verify(derJWS, with: key.publicKey) }
    }

    // A message signed by another agency's key does not verify with ours.
    @Test func otherKeyFails() throws {
        let signer = P256.Signing.PrivateKey()
        let other = P256.Signing.PrivateKey()
        let jws = try CompactJWS(compact: Data(try ES256.sign(payload: Data("x".utf8), with: signer, kid: "k").utf8))
        expectJWSError(.badSignature) { try ES256.verify(jws, with: other.publicKey) }
    }

    // Only ES256 is accepted: "none", HMAC, RSA, a wrong case and a missing alg are all refused.
    @Test(arguments: [
        #"{"alg":"none","kid":"k"}"#, #"{"alg":"HS256","kid":"k"}"#, #"{"alg":"RS256","kid":"k"}"#,
        #"{"alg":"es256","kid":"k"}"#, #"{"alg":256,"kid":"k"}"#, #"{"kid":"k"}"#,
    ])
    func refusesOtherAlgorithms(header: String) throws {
        let jws = try CompactJWS(compact: compactJWS(header: header))
        expectJWSError(.unsupportedAlgorithm) { _ = try jws.requireES256() }
    }

    // The key must be named, and unknown critical extensions are refused.
    @Test(arguments: [
        #"{"alg":"ES256"}"#, #"{"alg":"ES256","kid":""}"#, #"{"alg":"ES256","kid":7}"#,
        #"{"alg":"ES256","kid":"k","crit":["exp"],"exp":1}"#,
    ])
    func refusesBadHeaders(header: String) throws {
        let jws = try CompactJWS(compact: compactJWS(header: header))
        expectJWSError(.invalidHeader) { _ = try jws.requireES256() }
    }

    // A header with ES256 and a kid passes and hands back the kid.
    @Test func acceptsES256WithKid() throws {
        let jws = try CompactJWS(compact: compactJWS(header: #"{"alg":"ES256","kid":"abc","typ":"JOSE"}"#))
        #expect(try jws.requireES256() == "abc")
        #expect(!jws.hasCriticalExtensions)
    }

    // Text that is not three base64url parts with a JSON object header is malformed.
    @Test(arguments: [
        "", "eyJhbGciOiJFUzI1NiJ9.e30", "eyJhbGciOiJFUzI1NiJ9.e30.AA.AA", "eyJhbGciOiJFUzI1NiJ9.e30.AA.",
        "eyJhbGciOiJFUzI1NiJ9.e3+0.AA", "eyJhbGciOiJFUzI1NiJ9.e30.A/A", "eyJhbGciOiJFUzI1NiJ9.e30.AA==",
        "eyJhbGci!iJFUzI1NiJ9.e30.AA", "eyJhbGciOiJFUzI1NiJ9 .e30.AA",
    ])
    func refusesMalformedText(text: String) {
        expectJWSError(.malformed) { _ = try CompactJWS(compact: Data(text.utf8)) }
    }

    // A header that decodes but is not a JSON object (array, string, number, not JSON) is malformed.
    @Test(arguments: [#"["alg","ES256"]"#, #""ES256""#, "1", "alg=ES256", ""])
    func refusesNonObjectHeader(header: String) {
        expectJWSError(.malformed) { _ = try CompactJWS(compact: compactJWS(header: header)) }
    }
}
