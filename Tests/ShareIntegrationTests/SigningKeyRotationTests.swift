import Crypto
import Foundation
import ShareClient
import ShareJWS
import ShareModel
import ShareServer
import ShareTesting
import Testing

/// An agency replaces its message signing key without downtime: a second key is listed, the
/// agency's systems move to it, and the first is retired.
@Suite("Signing-key rotation")
struct SigningKeyRotationTests {
    /// Edits the hospital trust's directory entry and reloads, as an operator does with SIGHUP.
    func editHospitalKeys(_ broker: TestBroker, _ edit: (inout [[String: Any]]) -> Void) async throws {
        try broker.editConfiguration { document in
            var agencies = document["agencies"] as! [[String: Any]]
            for index in agencies.indices where agencies[index]["id"] as? String == "northshire-hospitals" {
                var keys = agencies[index]["signingKeys"] as! [[String: Any]]
                edit(&keys)
                agencies[index]["signingKeys"] = keys
            }
            document["agencies"] = agencies
        }
        try await broker.server.reload()
    }

    @Test("both keys sign until the old one is retired; then it is refused (422 signing-key-retired), a resend of what it signed before is a replay, and recipients still verify those messages")
    func rotation() async throws {
        let clock = TestClock()
        try await withBroker(clock: clock) { broker in
            let newKey = P256.Signing.PrivateKey()
            let newJWK = JWK(publicKey: newKey.publicKey)
            try await editHospitalKeys(broker) { keys in
                keys.append(["kty": "EC", "crv": "P-256", "x": newJWK.x, "y": newJWK.y])
            }
            let oldSigner = try broker.signer(for: "northshire-hospitals")
            let newSigner = MessageSigner(key: newKey)
            let hospital = try broker.client(as: "northshire-hospitals")
            let beforeRetirement = try oldSigner.sign(envelope: EnvelopeBuilder().data)
            _ = try await hospital.publish(jws: beforeRetirement)
            _ = try await hospital.publish(jws: try newSigner.sign(envelope: EnvelopeBuilder().data))

            clock.advance(by: 60)
            let retiredAt = Timestamp.format(clock.now())
            try await editHospitalKeys(broker) { keys in
                keys[0]["retiredAt"] = retiredAt
            }
            clock.advance(by: 1)
            let refused = try await broker.postJWS(try oldSigner.sign(envelope: EnvelopeBuilder().data), as: "northshire-hospitals")
            #expect(refused.status == 422)
            #expect(refused.problem?.code == "signing-key-retired")
            #expect(refused.problem?.detail.contains("sign it with your agency's current key") == true)
            let resent = try await broker.postJWS(beforeRetirement, as: "northshire-hospitals")
            #expect(resent.status == 201, "an identical resend of a message stored before the retirement is its first answer")
            #expect(resent.header("Idempotent-Replayed") == "true")
            _ = try await hospital.publish(jws: try newSigner.sign(envelope: EnvelopeBuilder().data))

            let socialCare = try broker.client(as: "northshire-csc")
            let directory = try await socialCare.directory()
            let keys = try #require(directory.agencies.first { $0.id == "northshire-hospitals" }).keys
            #expect(keys.count == 2)
            #expect(keys.first { $0.kid == oldSigner.kid }?.retiredAt == retiredAt)
            #expect(keys.first { $0.kid == newJWK.kid }?.retiredAt == nil)

            let verifier = try DeliveryVerifier(directory: directory)
            let deliveries = try await socialCare.inbox(limit: 10)
            #expect(deliveries.count == 3, "the messages accepted under either key, none refused")
            for delivery in deliveries {
                #expect(throws: Never.self) { try verifier.verify(delivery) }
            }

            let old = try #require(deliveries.first { $0.jws == beforeRetirement })
            let afterRetirement = try JSONDecoder().decode(Delivery.self, from: JSONSerialization.data(withJSONObject: [
                "id": old.id.uuidString, "messageId": old.messageId.uuidString, "type": old.type, "sender": old.sender, "jws": old.jws,
                "attempt": 1, "createdAt": Timestamp.format(clock.now().addingTimeInterval(1)), "deliveredAt": old.deliveredAt,
            ]))
            #expect(throws: ShareClientError.self, "a message said to be accepted after the key's retirement does not verify") {
                try verifier.verify(afterRetirement)
            }
        }
    }

    @Test("a retirement time that is not RFC 3339 stops the start with its pointer")
    func badRetirement() async throws {
        let broker = try TestBroker { document in
            var agencies = document["agencies"] as! [[String: Any]]
            var keys = agencies[0]["signingKeys"] as! [[String: Any]]
            keys[0]["retiredAt"] = "next Tuesday"
            agencies[0]["signingKeys"] = keys
            document["agencies"] = agencies
        }
        defer { try? FileManager.default.removeItem(at: broker.folder) }
        await #expect { try await broker.start() } throws: { error in
            "\(error)".contains("/agencies/0/signingKeys/0/retiredAt 'next Tuesday' is not an RFC 3339 time")
        }
    }
}
