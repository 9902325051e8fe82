import Foundation
import ShareClient
import ShareJWS
import ShareTesting
import Testing

/// Selective disclosure against code nobody here wrote: the reference SD-JWT implementation
/// in Python (`sd-jwt`, OpenWallet Foundation) issues a message and verifies what each recipient gets.
@Suite("SD-JWT interoperability")
struct SDJWTInteropTests {
    static let script = Paths.repository.appendingPathComponent("Tests/interop/sdjwt_interop.py").path

    /// Verifies `body` with the Python verifier and the key from the broker's JWKS; the verified envelope's payload.
    static func verifiedPayload(_ body: String, on broker: TestBroker, name: String) async throws -> [String: Any] {
        let jwks = try await broker.client(as: "northshire-csc").send("GET", "/v1/directory/jwks")
        let jwksFile = broker.folder.appendingPathComponent("jwks.json")
        try jwks.body.write(to: jwksFile)
        let file = broker.folder.appendingPathComponent("\(name).sd-jwt")
        try Data(body.utf8).write(to: file)
        let verified = try await Subprocess.run("python3", [script, "verify", "--jwks", jwksFile.path, "--sdjwt", file.path])
        try #require(verified.status == 0, "\(verified.stderr)")
        let envelope = try JSONSerialization.jsonObject(with: verified.stdout) as? [String: Any]
        return try #require(envelope?["payload"] as? [String: Any])
    }

    @Test("a notification issued by Python's sd-jwt is accepted; what the school gets verifies there without the narrative, social care's with it")
    func pythonIssuedAndVerified() async throws {
        try await withBroker { broker in
            let envelopeFile = broker.folder.appendingPathComponent("notification.json")
            try SelectiveDisclosureTests.notification(broker).write(to: envelopeFile)
            let kid = try broker.signer(for: "northshire-police").kid
            let issued = try await Subprocess.run("python3", [
                Self.script, "issue", "--key", broker.pkiFile("northshire-police.signing.key"), "--kid=\(kid)",
                "--envelope", envelopeFile.path,
                "--disclosable", "incidentAt", "--disclosable", "keyAdultGuidance", "--disclosable", "incidentNarrative",
            ])
            try #require(issued.status == 0, "\(issued.stderr)")
            let sdjwt = issued.text.trimmingCharacters(in: .whitespacesAndNewlines)
            let answer = try await broker.client(as: "northshire-police").publish(jws: sdjwt)
            #expect(answer.recipients == SelectiveDisclosureTests.recipients)

            let school = try #require(try await broker.client(as: "oakfield-primary").inbox().first)
            try SelectiveDisclosureTests.expectSchoolCopy(school.jws)
            let schoolPayload = try await Self.verifiedPayload(school.jws, on: broker, name: "school")
            #expect(schoolPayload["incidentAt"] != nil && schoolPayload["keyAdultGuidance"] != nil)
            #expect(schoolPayload["childPresent"] as? Bool == true, "what was signed in clear is there too")
            #expect(schoolPayload["incidentNarrative"] == nil, "withheld")

            let csc = try #require(try await broker.client(as: "northshire-csc").inbox().first)
            let cscPayload = try await Self.verifiedPayload(csc.jws, on: broker, name: "csc")
            #expect(cscPayload["incidentNarrative"] as? String == SelectiveDisclosureTests.narrative)
        }
    }

    @Test("an SD-JWT made by the client's signer verifies in Python's sd-jwt; a disclosure forged onto the school's copy is not taken")
    func clientSignedVerifiesInPython() async throws {
        try await withBroker { broker in
            let (sdjwt, _) = try await SelectiveDisclosureTests.publish(broker)
            #expect(try await Self.verifiedPayload(sdjwt, on: broker, name: "whole")["incidentNarrative"] as? String
                == SelectiveDisclosureTests.narrative)
            let school = try #require(try await broker.client(as: "oakfield-primary").inbox().first)
            let forged = Base64URL.encode(Data(#"["c2FsdHNhbHRzYWx0","incidentNarrative","forged"]"#.utf8))
            let payload = try await Self.verifiedPayload(school.jws + forged + "~", on: broker, name: "forged")
            #expect(payload["incidentNarrative"] == nil, "a disclosure the issuer did not sign a digest of discloses nothing")
            #expect(payload["keyAdultGuidance"] != nil)
        }
    }
}
