import Crypto
import Foundation
import ShareClient
import ShareJWS
import ShareTesting
import Testing

@Suite("Publish refusals")
struct PublishRefusalTests {
    /// Checks status, problem code and content type of a refusal.
    func expectRefusal(_ response: ShareClient.RawResponse, _ status: Int, _ code: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.problem?.code == code, sourceLocation: sourceLocation)
        #expect(response.problem?.type == "urn:sharebroker:problem:\(code)", sourceLocation: sourceLocation)
        #expect(response.header("Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
        #expect((response.problem?.detail.count ?? 0) > 20, "a detail a person can act on", sourceLocation: sourceLocation)
    }

    /// A JWS with a hand-made header, signed by `key`.
    func jws(header: [String: Any], payload: Data, key: P256.Signing.PrivateKey) throws -> String {
        let headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        let input = Base64URL.encode(headerData) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(try key.signature(for: Data(input.utf8)).rawRepresentation)
    }

    @Test("an envelope whose sender is another agency is refused with 403")
    func senderClaimsAnotherAgency() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder(from: "northshire-hospitals")
            let response = try await broker.publishRaw(envelope, as: "northshire-police", signedBy: "northshire-hospitals")
            expectRefusal(response, 403, "sender-mismatch")
            #expect(response.problem?.errors?.first?.pointer == "/sender")
        }
    }

    @Test("a signature made with one agency's key under another agency's kid does not verify")
    func kidOfAnotherAgency() async throws {
        try await withBroker { broker in
            let police = try broker.signer(for: "northshire-police")
            let hospital = try broker.signer(for: "northshire-hospitals")
            let token = try jws(header: ["alg": "ES256", "kid": police.kid], payload: EnvelopeBuilder().data, key: hospital.key)
            expectRefusal(try await broker.postJWS(token, as: "northshire-hospitals"), 422, "bad-signature")
        }
    }

    @Test("a message signed with another agency's key is refused even though the signature verifies")
    func keyOfAnotherAgency() async throws {
        try await withBroker { broker in
            let response = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals", signedBy: "northshire-police")
            expectRefusal(response, 422, "key-not-senders")
        }
    }

    // Issue 13: the README promised 400 malformed-message; the broker answered 422 invalid-envelope.
    @Test("a signed payload that is JSON but not one object is 400 malformed-message, as the README says")
    func payloadNotAnObject() async throws {
        try await withBroker { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            for payload in ["[1, 2]", "\"an envelope\"", "42", "null"] {
                let response = try await broker.postJWS(try signer.sign(envelope: Data(payload.utf8)), as: "northshire-hospitals")
                expectRefusal(response, 400, "malformed-message")
            }
        }
    }

    @Test("a payload changed after signing is refused")
    func tamperedPayload() async throws {
        try await withBroker { broker in
            let token = try broker.signer(for: "northshire-hospitals").sign(envelope: EnvelopeBuilder().data)
            let parts = token.split(separator: ".").map(String.init)
            var payload = try #require(Base64URL.decode(parts[1]))
            let index = try #require(payload.firstIndex(of: UInt8(ascii: "9")))
            payload[index] = UInt8(ascii: "8")
            let tampered = [parts[0], Base64URL.encode(payload), parts[2]].joined(separator: ".")
            expectRefusal(try await broker.postJWS(tampered, as: "northshire-hospitals"), 422, "bad-signature")
        }
    }

    @Test("alg none and HMAC algorithms are never accepted", arguments: ["none", "HS256"])
    func forbiddenAlgorithms(alg: String) async throws {
        try await withBroker { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            let header = try JSONSerialization.data(withJSONObject: ["alg": alg, "kid": signer.kid], options: [.sortedKeys])
            let input = Base64URL.encode(header) + "." + Base64URL.encode(EnvelopeBuilder().data)
            let signature: String =
                if alg == "none" { "" }
                else { Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(signer.kid.utf8))))) }
            expectRefusal(try await broker.postJWS(input + "." + signature, as: "northshire-hospitals"), 422, "unsupported-signature")
        }
    }

    @Test("a body that is not a JWS, or a signed payload that is not JSON, is malformed (400)")
    func malformed() async throws {
        try await withBroker { broker in
            expectRefusal(try await broker.postJWS("not-a-jws", as: "northshire-hospitals"), 400, "malformed-message")
            let signer = try broker.signer(for: "northshire-hospitals")
            let notJSON = try signer.sign(envelope: Data("{\"id\": \"unfinished".utf8))
            expectRefusal(try await broker.postJWS(notJSON, as: "northshire-hospitals"), 400, "malformed-message")
            // Two readers could see two different senders in one object with a repeated name.
            let text = String(decoding: EnvelopeBuilder().data, as: UTF8.self)
            let twoSenders = try signer.sign(envelope: Data(("{\"sender\": \"northshire-police\", " + text.dropFirst()).utf8))
            let refusal = try await broker.postJWS(twoSenders, as: "northshire-hospitals")
            expectRefusal(refusal, 400, "malformed-message")
            #expect(refusal.problem?.detail.contains("appears twice") == true)
            #expect(refusal.problem?.detail.contains("at byte ") == true, "says where")
        }
    }

    @Test("a JWS sent with another content type, or with Content-Type twice, is refused with 415; case, parameters and spaces do not matter")
    func wrongContentType() async throws {
        try await withBroker { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            for refused in ["application/json", "application/josex", "text/plain; x=application/jose", ""] {
                let token = try signer.sign(envelope: EnvelopeBuilder().data)
                let response = try await broker.postJWS(token, as: "northshire-hospitals", contentType: refused)
                expectRefusal(response, 415, "unsupported-media-type")
            }
            // Content-Type sent twice is ambiguous (HTTP allows one): refused, however alike the two.
            let twice = try await broker.curl("/v1/messages", as: "northshire-hospitals", [
                "-X", "POST", "--data-binary", try signer.sign(envelope: EnvelopeBuilder().data),
                "-H", "Content-Type: application/jose", "-H", "Content-Type: application/jose",
            ])
            #expect(twice.status == 415, "\(twice.body)")
            #expect(twice.body.contains("unsupported-media-type"), "\(twice.body)")
            for accepted in ["Application/JOSE", "application/jose; charset=utf-8", " application/jose ;q=1"] {
                let token = try signer.sign(envelope: EnvelopeBuilder().data)
                let response = try await broker.postJWS(token, as: "northshire-hospitals", contentType: accepted)
                #expect(response.status == 201, "\(accepted)")
            }
        }
    }

    @Test("a message over the size limit is refused with 413 and nothing is stored")
    func oversize() async throws {
        try await withBroker(configure: { document in
            document["limits"] = ["maxMessageBytes": 10_000]
        }) { broker in
            let big = EnvelopeBuilder().padded(to: 9000)
            expectRefusal(try await broker.publishRaw(big, as: "northshire-hospitals"), 413, "message-too-large")
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)
            let small = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(small.status == 201)
        }
    }

    @Test("every envelope problem is listed with its JSON Pointer (422)")
    func invalidEnvelope() async throws {
        try await withBroker { broker in
            var disclosure = EnvelopeBuilder().fields["disclosure"] as! [String: Any]
            disclosure["consent"] = ["status": "not-sought"]
            let envelope = EnvelopeBuilder()
                .with("area", "Northshire")
                .with("sentAt", "yesterday")
                .with("disclosure", disclosure)
                .with("subject", nil)
            let response = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            expectRefusal(response, 422, "invalid-envelope")
            let pointers = Set(response.problem?.errors?.map(\.pointer) ?? [])
            #expect(pointers == ["/area", "/sentAt", "/disclosure/consent/reason", "/subject"])
        }
    }

    @Test("unknown, suspended or missing recipients are refused (422) and nothing is sent")
    func invalidRecipients() async throws {
        try await withBroker(configure: { document in
            var agencies = document["agencies"] as! [[String: Any]]
            agencies[agencies.firstIndex { $0["id"] as? String == "northshire-mash" }!]["status"] = "suspended"
            document["agencies"] = agencies
        }) { broker in
            let unknown = try await broker.publishRaw(EnvelopeBuilder(to: ["northshire-csc", "nobody-here"]), as: "northshire-hospitals")
            expectRefusal(unknown, 422, "invalid-recipients")
            #expect(unknown.problem?.errors?.map(\.pointer) == ["/to/1"])
            let suspended = try await broker.publishRaw(EnvelopeBuilder(to: ["northshire-mash"]), as: "northshire-hospitals")
            expectRefusal(suspended, 422, "invalid-recipients")
            let none = try await broker.publishRaw(EnvelopeBuilder().with("to", nil), as: "northshire-hospitals")
            expectRefusal(none, 422, "invalid-recipients")
            #expect(none.problem?.errors?.map(\.pointer) == ["/to"])
            let empty = try await broker.publishRaw(EnvelopeBuilder(to: []), as: "northshire-hospitals")
            expectRefusal(empty, 422, "invalid-envelope")
            #expect(empty.problem?.errors?.map(\.pointer) == ["/to"])
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)
        }
    }

    // Issue 13: an agency of E99999999 published about E10000014 directly to social care and got 201.
    @Test("a message about an area the sender or a recipient does not serve is refused (403), and the refusal is audited with its subject and recipients")
    func areaNotServed() async throws {
        try await withBroker(configure: { document in
            var agencies = document["agencies"] as! [[String: Any]]
            agencies[agencies.firstIndex { $0["id"] as? String == "northshire-mash" }!]["areas"] = ["E99999999", "E10000014"]
            agencies[agencies.firstIndex { $0["id"] as? String == "northshire-hospitals" }!]["areas"] = ["E99999999", "E10000014"]
            document["agencies"] = agencies
        }) { broker in
            let elsewhere = EnvelopeBuilder(to: ["northshire-csc"]).with("area", "E10000014")
            let refused = try await broker.publishRaw(elsewhere, as: "northshire-hospitals")
            expectRefusal(refused, 403, "policy-refused")
            #expect(refused.problem?.errors?.map(\.pointer) == ["/to/0"], "social care serves E99999999 only")

            let served = try await broker.publishRaw(EnvelopeBuilder(to: ["northshire-mash"]).with("area", "E10000014"), as: "northshire-hospitals")
            #expect(served.status == 201, "both the sender and the recipient serve E10000014")
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)

            let entries: AuditEntries = try await broker.auditGet("/v1/audit/entries?kind=refused&nhsNumber=9990001235")
            let refusal = try #require(entries.entries.first { $0.event.messageID == elsewhere.id })
            #expect(refusal.event.rule == "area")
            #expect(refusal.event.recipients == ["northshire-csc"])
            #expect(refusal.event.subjects?.isEmpty == false, "found by the subject's NHS number")
        }
    }

    @Test("a message about an area its sender does not serve is refused (403) at /area")
    func senderAreaNotServed() async throws {
        try await withBroker { broker in
            let response = try await broker.publishRaw(EnvelopeBuilder().with("area", "E10000014"), as: "northshire-hospitals")
            expectRefusal(response, 403, "policy-refused")
            #expect(response.problem?.errors?.map(\.pointer) == ["/area"])
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)
        }
    }

    @Test("a message whose expiry has passed is refused")
    func alreadyExpired() async throws {
        try await withBroker { broker in
            let old = EnvelopeBuilder(sentAt: Date().addingTimeInterval(-40 * 86400))
            expectRefusal(try await broker.publishRaw(old, as: "northshire-hospitals"), 422, "message-expired")
        }
    }
}
