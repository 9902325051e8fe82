import Foundation
import ShareClient
import ShareTesting
import Testing

@Suite("Clients move between broker nodes", .timeLimit(.minutes(3 * TestLimits.factor)))
struct ClientFailoverTests {
    @Test("with a first URL where nothing listens, a client publishes, fetches, acknowledges and subscribes on the second")
    func unreachableFirstURL() async throws {
        try await withBroker { broker in
            let urls = [try await ClosedPort.url(), broker.baseURL]
            let envelope = EnvelopeBuilder()
            let answer = try await withClient(of: broker, as: "northshire-hospitals", urls: urls) {
                try await $0.publish(jws: try broker.jws(envelope))
            }
            #expect(answer.id.uuidString.lowercased() == envelope.id)
            try await withClient(of: broker, as: "northshire-csc", urls: urls) { client in
                let deliveries = try await client.inbox(wait: 5)
                #expect(deliveries.map(\.messageId) == [answer.id])
                let delivery = try #require(deliveries.first)
                #expect(try await client.acknowledge(delivery: delivery.id).state == "acknowledged")
            }
            let status = try await broker.client(as: "northshire-hospitals").status(message: answer.id)
            #expect(status.recipients.map(\.state) == ["acknowledged"])
            let subscription = try await withClient(of: broker, as: "northshire-mash", urls: urls) {
                try await $0.subscribe(types: ["unborn-baby-referral/1"], areas: ["E99999999"])
            }
            #expect(try await broker.client(as: "northshire-mash").subscriptions().map(\.id) == [subscription.id],
                    "a request that never reached the first URL moves on, even one that is not harmless to repeat")
        }
    }

    @Test("when the node a client uses stops, the client's next requests go to the second node")
    func stoppedNodeMovesToSecond() async throws {
        try await withTwoNodes { first, second in
            let before = EnvelopeBuilder()
            let after = EnvelopeBuilder()
            try await withClient(of: first, as: "northshire-hospitals", urls: [first.baseURL, second.baseURL]) { client in
                _ = try await client.publish(jws: try first.jws(before))
                #expect(try await first.statusCode(of: before) == 200)
                #expect(try await second.statusCode(of: before) == 404, "the first URL answered, so the second was not asked")
                try await first.stop()
                _ = try await client.publish(jws: try first.jws(after))
            }
            #expect(try await second.statusCode(of: after) == 200)
            let inbox = try await withClient(of: first, as: "northshire-csc", urls: [first.baseURL, second.baseURL]) {
                try await $0.inbox(wait: 5)
            }
            #expect(inbox.map { $0.messageId.uuidString.lowercased() } == [after.id])
        }
    }

    @Test("a publish answered 503 by a node whose store is full goes to the next node, which later requests start with")
    func unavailableNodeIsPassed() async throws {
        try await withTwoNodes(configure: StoreFailureTests.smallStore) { full, second in
            _ = try #require(try await StoreFailureTests.publishUntilRefused(full), "the store never filled up")
            // As large as the message the full node refused: a smaller one might still fit.
            let envelope = EnvelopeBuilder().padded(to: 12_000)
            try await withClient(of: full, as: "northshire-hospitals", urls: [full.baseURL, second.baseURL]) { client in
                let answer = try await client.publish(jws: try full.jws(envelope))
                #expect(answer.id.uuidString.lowercased() == envelope.id)
                #expect(try await second.statusCode(of: envelope) == 200)
                #expect(try await full.statusCode(of: envelope) == 404)
                let status = try await client.status(message: answer.id)
                #expect(status.recipients.map(\.agency) == ["northshire-csc"],
                        "asked of the node that answered last; the full node would have answered 404")
            }
        }
    }

    @Test("when a node drops a request unanswered, a publish goes to the next node, but a subscription request does not")
    func droppedRequest() async throws {
        try await withBroker { broker in
            let dropping = try await AnswerlessNode.start(certificateOf: broker)
            do {
                try await Self.publishAndSubscribe(past: dropping, to: broker)
            } catch {
                await dropping.stop()
                throw error
            }
            await dropping.stop()
        }
    }

    /// Publishes and subscribes with a client of [`dropping`, `broker`].
    private static func publishAndSubscribe(past dropping: AnswerlessNode, to broker: TestBroker) async throws {
        let urls = [dropping.url, broker.baseURL]
        let envelope = EnvelopeBuilder()
        let answer = try await withClient(of: broker, as: "northshire-hospitals", urls: urls) {
            try await $0.publish(jws: try broker.jws(envelope))
        }
        #expect(answer.id.uuidString.lowercased() == envelope.id, "a publish is harmless to repeat")
        #expect(dropping.droppedRequests == 1)
        let failure = try await withClient(of: broker, as: "northshire-mash", urls: urls) { client in
            await refusal { try await client.subscribe(types: ["unborn-baby-referral/1"], areas: ["E99999999"]) }
        }
        #expect(dropping.droppedRequests == 2)
        #expect(failure?.status == nil)
        #expect(failure?.reason.contains("may have reached the broker") == true, "\(failure?.reason ?? "no error")")
        #expect(try await broker.client(as: "northshire-mash").subscriptions().isEmpty,
                "a second subscription must not be made where the first may have been")
    }

    @Test("a 4xx answer is the answer: the request is not sent to the next node")
    func refusalIsNotSentElsewhere() async throws {
        try await withTwoNodes { first, second in
            let onSecond = EnvelopeBuilder()
            try await second.publish(onSecond)
            let taken = EnvelopeBuilder()
            try await first.publish(taken)
            let sameID = taken.withSummary("Other bytes under the same id.")
            let onSecondID = try #require(UUID(uuidString: onSecond.id))
            let (conflict, notFound) = try await withClient(of: first, as: "northshire-hospitals",
                                                            urls: [first.baseURL, second.baseURL]) { client in
                (await Self.refusal { try await client.publish(jws: try first.jws(sameID)) },
                 await Self.refusal { try await client.status(message: onSecondID) })
            }
            #expect(conflict?.status == 409)
            #expect(try await second.statusCode(of: taken) == 404, "the second node would have accepted it")
            #expect(notFound?.status == 404, "the second node holds the message and would have answered 200")
        }
    }

    @Test("a stream goes on from the second node after the first stops, after the last delivery received")
    func streamMovesToSecond() async throws {
        try await withTwoNodes { first, second in
            let older = EnvelopeBuilder()
            try await second.publish(older)
            let urls = [first.baseURL, second.baseURL]
            try await withClient(of: first, as: "northshire-csc", urls: urls) { client in
                let reader = StreamReader(try await client.stream())
                defer { reader.stop() }
                let onFirst = EnvelopeBuilder()
                try await first.publish(onFirst)
                #expect(try await eventually { reader.messageIDs == [onFirst.id] })
                try await first.stop()
                #expect(try await eventually { second.streamsOpened(1) }, "the stream was opened again on the second node")
                let onSecond = EnvelopeBuilder()
                try await second.publish(onSecond)
                #expect(try await eventually { reader.messageIDs == [onFirst.id, onSecond.id] })
                #expect(!reader.hasEnded, "\(reader.failure ?? "ended")")
                #expect(!reader.messageIDs.contains(older.id),
                        "resumed after the last event id, so the second node's earlier delivery is not sent again")
            }
        }
    }

    /// The `ShareClientError` that `request` throws; nil if it succeeds.
    private static func refusal(_ request: () async throws -> some Any) async -> ShareClientError? {
        do {
            _ = try await request()
            return nil
        } catch {
            return error as? ShareClientError
        }
    }
}
