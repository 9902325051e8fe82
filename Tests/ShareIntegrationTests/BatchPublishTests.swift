import Foundation
import ShareClient
import ShareTesting
import Testing

@Suite("Batch publish")
struct BatchPublishTests {
    @Test("each message of a batch is accepted or refused on its own, in its place, and only the accepted are stored and delivered")
    func eachMessageOnItsOwn() async throws {
        try await withBroker { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            let first = EnvelopeBuilder(from: "northshire-hospitals", to: ["northshire-csc"])
            let broken = EnvelopeBuilder().with("sentAt", "yesterday")
            let claimsPolice = EnvelopeBuilder(from: "northshire-police", to: ["northshire-csc"])
            let second = EnvelopeBuilder(from: "northshire-hospitals", to: ["northshire-mash"])
            let reusedID = EnvelopeBuilder(from: "northshire-hospitals", to: ["northshire-csc"]).with("id", first.id)
            let firstJWS = try signer.sign(envelope: first.data)
            let batch = [
                firstJWS, try signer.sign(envelope: broken.data), try signer.sign(envelope: claimsPolice.data),
                try signer.sign(envelope: second.data), firstJWS, try signer.sign(envelope: reusedID.data),
            ]

            let answer = try await broker.client(as: "northshire-hospitals").publish(batch: batch)

            #expect(answer.results.map(\.status) == [201, 422, 403, 201, 201, 409])
            #expect((answer.accepted, answer.refused) == (3, 3))
            #expect(answer.results[0].id?.uuidString.lowercased() == first.id)
            #expect(answer.results[0].recipients == ["northshire-csc"])
            #expect(answer.results[0].replayed == nil)
            #expect(answer.results[1].problem?.code == "invalid-envelope")
            #expect(answer.results[1].problem?.errors?.map(\.pointer) == ["/sentAt"])
            #expect(answer.results[2].problem?.code == "sender-mismatch")
            #expect(answer.results[3].recipients == ["northshire-mash"])
            #expect(answer.results[4].replayed == true, "an identical resend within the batch repeats the first answer")
            #expect(answer.results[4].audit == answer.results[0].audit)
            #expect(answer.results[5].problem?.code == "id-conflict")
            #expect(answer.results[0].audit != answer.results[3].audit, "each stored message has its own audit entries")

            let csc = try await broker.client(as: "northshire-csc").inbox()
            #expect(csc.map(\.jws) == [firstJWS], "delivered once, exactly as signed; nothing of the refused")
            #expect(try await broker.client(as: "northshire-mash").inbox().map(\.messageId.uuidString) == [second.id.uppercased()])
            let kinds = try await broker.eventKinds()
            #expect(kinds.filter { $0 == "published" }.count == 2)
            #expect(kinds.filter { $0 == "routed" }.count == 2)
        }
    }

    @Test("a batch published with curl is answered with one result per message")
    func curlBatch() async throws {
        try await withBroker { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            let envelopes = (0..<3).map { _ in EnvelopeBuilder(from: "northshire-hospitals", to: ["northshire-csc"]) }
            let body = try JSONSerialization.data(withJSONObject: ["messages": try envelopes.map { try signer.sign(envelope: $0.data) }])
            let file = broker.folder.appendingPathComponent("batch.json")
            try body.write(to: file)
            let answer = try await broker.curl("/v1/messages/batch", as: "northshire-hospitals", [
                "-H", "Content-Type: application/json", "--data-binary", "@\(file.path)",
            ])
            #expect(answer.status == 200, "\(answer.body)")
            let document = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            let results = document?["results"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? Int } == [201, 201, 201])
            #expect(results.map { $0["id"] as? String } == envelopes.map(\.id))
            #expect(try await broker.client(as: "northshire-csc").inbox().count == 3)
        }
    }

    @Test("a batch with whitespace anywhere, or JSON escapes in a message, is read as the same messages")
    func spacedAndEscapedBatches() async throws {
        try await withBroker { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            let spaced = try signer.sign(envelope: EnvelopeBuilder().data)
            let escaped = try signer.sign(envelope: EnvelopeBuilder().data)
            let body = "\n { \"messages\" :\t[ \"\(spaced)\" ,\r\n \"\(escaped.replacingOccurrences(of: ".", with: "\\u002e"))\" ] }\n"
            let response = try await batch(body, to: broker)
            #expect(response.status == 200)
            let document = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
            #expect((document?["results"] as? [[String: Any]])?.map { $0["status"] as? Int } == [201, 201])
            #expect(Set(try await broker.client(as: "northshire-csc").inbox().map(\.jws)) == [spaced, escaped])
        }
    }

    @Test("a batch message followed by whitespace is accepted and delivered without it")
    func whitespaceAfterABatchMessage() async throws {
        try await withBroker { broker in
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: EnvelopeBuilder().data)
            let response = try await batch("{\"messages\": [\"\(jws)\\n\"]}", to: broker)
            let document = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
            #expect(document?["accepted"] as? Int == 1, "\(String(decoding: response.body, as: UTF8.self))")
            #expect(try await broker.client(as: "northshire-csc").inbox().map(\.jws) == [jws])
        }
    }

    @Test("a batch of the wrong shape is refused whole (400) with a pointer to what is wrong, and nothing is stored")
    func malformedBatches() async throws {
        try await withBroker(configure: { document in
            document["limits"] = ["maxBatchMessages": 3]
        }) { broker in
            let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: EnvelopeBuilder().data)
            let cases: [(body: String, pointer: String?)] = [
                ("[\"\(jws)\"]", ""),
                ("{\"messages\": \"\(jws)\"}", "/messages"),
                ("{\"messages\": [\"\(jws)\", 7]}", "/messages/1"),
                ("{\"messages\": [], \"ids\": 1}", "/ids"),
                ("{\"messages\": []}", "/messages"),
                ("{\"messages\": [\"a\", \"b\", \"c\", \"d\"]}", "/messages"),
                ("{\"messages\": [\"\(jws)\"", nil),
            ]
            for (body, pointer) in cases {
                let response = try await batch(body, to: broker)
                #expect(response.status == 400, "\(body.prefix(40))")
                #expect(response.problem?.code == "bad-request")
                #expect(response.problem?.errors?.first?.pointer == pointer, "\(body.prefix(40))")
            }
            let wrongType = try await batch("{\"messages\": [\"\(jws)\"]}", to: broker, contentType: "application/jose")
            #expect(wrongType.status == 415)
            #expect(wrongType.problem?.code == "unsupported-media-type")
            #expect(try await broker.client(as: "northshire-csc").inbox().isEmpty)
        }
    }

    @Test("a batch over the batch size limit is refused with 413; each message keeps the single-message limit")
    func sizeLimits() async throws {
        try await withBroker(configure: { document in
            document["limits"] = ["maxMessageBytes": 10_000, "maxBatchBytes": 30_000]
        }) { broker in
            let signer = try broker.signer(for: "northshire-hospitals")
            let big = try signer.sign(envelope: EnvelopeBuilder().padded(to: 9000).data)
            let small = try signer.sign(envelope: EnvelopeBuilder().data)
            let tooBig = try await batch(try body([big, big, big, big]), to: broker)
            #expect(tooBig.status == 413)
            #expect(tooBig.problem?.code == "message-too-large")

            let answer = try await broker.client(as: "northshire-hospitals").publish(batch: [small, big])
            #expect(answer.results.map(\.status) == [201, 413])
            #expect(answer.results[1].problem?.code == "message-too-large")
            let inbox = try await broker.client(as: "northshire-csc").inbox()
            #expect(inbox.map(\.jws) == [small], "the broker's log:\n\(broker.logs.text)")
        }
    }

    private func body(_ messages: [String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: ["messages": messages]), as: UTF8.self)
    }

    private func batch(_ body: String, to broker: TestBroker, contentType: String = "application/json") async throws -> ShareClient.RawResponse {
        try await broker.client(as: "northshire-hospitals").send("POST", "/v1/messages/batch", body: Data(body.utf8), contentType: contentType)
    }
}
