import Foundation
import ShareClient
import ShareTesting
import Testing

/// Interoperability with code nobody here wrote: Python's joserfc.
@Suite("JOSE interoperability")
struct InteropTests {
    @Test("a message signed by joserfc is accepted and delivered byte for byte")
    func joserfcSignedMessageIsAccepted() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder(from: "northshire-hospitals", to: ["northshire-csc"])
            let payloadFile = broker.folder.appendingPathComponent("envelope.json")
            try envelope.data.write(to: payloadFile)
            let kid = try broker.signer(for: "northshire-hospitals").kid
            let signed = try await Subprocess.run("python3", [
                Paths.joseInterop, "sign", "--key", broker.pkiFile("northshire-hospitals.signing.key"),
                // `=` form: a thumbprint may begin with "-", which argparse would take for an option.
                "--kid=\(kid)", "--payload", payloadFile.path,
            ])
            #expect(signed.status == 0, "\(signed.stderr)")
            let jws = signed.text.trimmingCharacters(in: .whitespacesAndNewlines)
            let answer = try await broker.client(as: "northshire-hospitals").publish(jws: jws)
            #expect(answer.recipients == ["northshire-csc"])
            #expect(try await broker.client(as: "northshire-csc").inbox().first?.jws == jws)
        }
    }

    @Test("a message signed by sharectl verifies in joserfc with the key from /v1/directory/jwks")
    func sharectlSignedMessageVerifiesInJoserfc() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        try await withBroker { broker in
            let envelopeFile = broker.folder.appendingPathComponent("envelope.json")
            try EnvelopeBuilder().data.write(to: envelopeFile)
            let signed = try await Subprocess.run(sharectl, [
                "sign", "--as", "northshire-hospitals", "--demo-dir", broker.folder.path, envelopeFile.path,
            ])
            #expect(signed.status == 0, "\(signed.stderr)")
            let jwsFile = broker.folder.appendingPathComponent("message.jws")
            try signed.stdout.write(to: jwsFile)
            let jwks = try await broker.client(as: "northshire-csc").send("GET", "/v1/directory/jwks")
            let jwksFile = broker.folder.appendingPathComponent("jwks.json")
            try jwks.body.write(to: jwksFile)

            let verified = try await Subprocess.run("python3", [
                Paths.joseInterop, "verify", "--jwks", jwksFile.path, "--jws", jwsFile.path,
            ])
            #expect(verified.status == 0, "\(verified.stderr)")
            let envelope = try JSONSerialization.jsonObject(with: verified.stdout) as? [String: Any]
            #expect(envelope?["sender"] as? String == "northshire-hospitals")

            let jws = signed.text.trimmingCharacters(in: .whitespacesAndNewlines)
            let published = try await broker.postJWS(jws, as: "northshire-hospitals")
            #expect(published.status == 201, "the broker accepts what sharectl signed")

            var tampered = Array(jws.utf8)
            tampered[tampered.count / 2] = tampered[tampered.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            try Data(tampered).write(to: jwsFile)
            let refused = try await Subprocess.run("python3", [Paths.joseInterop, "verify", "--jwks", jwksFile.path, "--jws", jwsFile.path])
            #expect(refused.status == 1, "joserfc rejects a tampered message")
        }
    }

    @Test("sharectl prints ids in lower case, as the API writes them")
    func sharectlPrintsLowercaseIDs() async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        try await withBroker { broker in
            let envelope = EnvelopeBuilder()
            let envelopeFile = broker.folder.appendingPathComponent("envelope.json")
            try envelope.data.write(to: envelopeFile)
            let connection = ["--as", "northshire-hospitals", "--demo-dir", broker.folder.path, "--url", broker.baseURL.absoluteString]
            let published = try await Subprocess.run(sharectl, ["publish"] + connection + [envelopeFile.path])
            #expect(published.status == 0, "\(published.stderr)")
            let answer = try JSONSerialization.jsonObject(with: published.stdout) as? [String: Any]
            #expect(answer?["id"] as? String == envelope.id)

            let status = try await Subprocess.run(sharectl, ["status"] + connection + [envelope.id.uppercased()])
            #expect(status.status == 0, "\(status.stderr)")
            let state = try JSONSerialization.jsonObject(with: status.stdout) as? [String: Any]
            #expect(state?["id"] as? String == envelope.id)
            let deliveryID = (state?["recipients"] as? [[String: Any]])?.first?["deliveryId"] as? String
            #expect(deliveryID != nil && deliveryID == deliveryID?.lowercased())
        }
    }

    @Test("key ids are RFC 7638 thumbprints as joserfc computes them")
    func thumbprintsAgreeWithJoserfc() async throws {
        try await withBroker { broker in
            for agency in ["northshire-hospitals", "northshire-audit"] {
                let result = try await Subprocess.run("python3", [
                    Paths.joseInterop, "thumbprint", "--key", broker.pkiFile("\(agency).signing.key"),
                ])
                #expect(result.text.trimmingCharacters(in: .whitespacesAndNewlines) == (try broker.signer(for: agency).kid))
            }
        }
    }
}
