import Foundation
import ShareClient
import ShareModel
import ShareStorePostgres
import ShareTesting
import Testing

/// Stream presence: a node publishing a message hands it out at once to an agency streaming on
/// any node of the cluster, so that the streaming node only reads it, as on one node.
@Suite("Stream presence across a cluster on PostgreSQL")
struct StreamPresenceTests {
    /// Runs `body` with a fresh cluster of `nodes` nodes, always stopped afterwards.
    func withCluster(nodes: Int, configure: (inout [String: Any]) -> Void = { _ in },
                     _ body: (TestCluster) async throws -> Void) async throws {
        let cluster = try await TestCluster.start(nodes: nodes, configure: configure)
        do {
            try await body(cluster)
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    @Test("a stream on one node gets messages published on the other handed out at publish, and writes no hand-out of its own; once it closes, they wait in the inbox")
    func handedOutAtPublishAcrossNodes() async throws {
        // The broker notices a client gone from an idle stream at its next heartbeat.
        let quickHeartbeat = { (document: inout [String: Any]) in document["delivery"] = ["streamHeartbeatSeconds": 1] }
        try await withCluster(nodes: 2, configure: quickHeartbeat) { cluster in
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            let reader = StreamReader(try await b.client(as: "northshire-csc").stream())
            defer { reader.stop() }
            #expect(try await eventually { b.streamsOpened(1) })
            // Node a learns of b's stream through the database: wait until a publish shows it.
            #expect(try await eventually(within: 10) { try await a.handedOutAtPublish(try await a.publishOne()) })

            let handOutsOnB = b.handOutsLogged
            var envelopes: [EnvelopeBuilder] = []
            for _ in 0..<5 { envelopes.append(try await a.publishOne()) }
            for envelope in envelopes {
                #expect(try await a.handedOutAtPublish(envelope), "its delivered entry follows its routed one, in the publish's own transaction")
            }
            #expect(try await eventually(within: 10) { Set(envelopes.map(\.id)).isSubset(of: Set(reader.messageIDs)) })
            #expect(reader.deliveries.suffix(5).allSatisfy { $0.delivery.attempt == 1 })
            #expect(b.handOutsLogged == handOutsOnB, "the streaming node only read them")

            reader.stop()
            #expect(try await eventually { b.streamsEnded(1) })
            let socialCare = try a.client(as: "northshire-csc")
            _ = try await socialCare.inbox(limit: 100)
            var waiting: [Delivery] = []
            #expect(try await eventually(within: 10) {
                let envelope = try await a.publishOne()
                waiting = try await socialCare.inbox(wait: 0)
                return waiting.map { $0.messageId.uuidString.lowercased() } == [envelope.id]
            }, "the closed stream's node withdrew its presence: a's next publishes are not handed out")
            #expect(waiting.first?.attempt == 1)
        }
    }

    @Test("publishes on both nodes at once reach a stream on one of them in sequence order, each once, as the store holds them")
    func concurrentPublishesOnBothNodesStreamInOrder() async throws {
        try await withCluster(nodes: 2) { cluster in
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            let socialCare = try b.client(as: "northshire-csc")
            let live = StreamReader(try await socialCare.stream())
            defer { live.stop() }
            #expect(try await eventually { b.streamsOpened(1) })
            #expect(try await eventually(within: 10) { try await a.handedOutAtPublish(try await a.publishOne()) })
            // Node a's deliveries reach b's stream through the notice of their commit and a read;
            // b's own are pushed to it from its publishes; the two interleave.
            let published = try await withThrowingTaskGroup(of: [String].self) { group in
                for publisher in 0..<6 {
                    group.addTask {
                        var ids: [String] = []
                        for _ in 0..<30 { ids.append(try await (publisher < 4 ? a : b).publishOne().id) }
                        return ids
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            func those(_ deliveries: [StreamedDelivery]) -> [StreamedDelivery] {
                deliveries.filter { published.contains($0.delivery.messageId.uuidString.lowercased()) }
            }
            #expect(try await eventually(within: 10) { those(live.deliveries).count >= published.count })
            let eventIDs = live.deliveries.map(\.eventID)
            let streamed = those(live.deliveries)
            #expect(eventIDs == eventIDs.sorted() && Set(eventIDs).count == eventIDs.count, "in increasing event id order, none twice")
            #expect(Set(streamed.map { $0.delivery.messageId.uuidString.lowercased() }) == Set(published)
                        && streamed.count == published.count, "every message once")

            // A second stream, on the other node, reads them back from the store. The deliveries
            // before them (some published before node a knew of the stream, so not handed out at
            // publish) are acknowledged first, or the second stream would hand them all out anew.
            _ = try await socialCare.acknowledge(deliveries: live.deliveries.filter { !streamed.contains($0) }.map(\.delivery.id))
            let fromStore = StreamReader(try await a.client(as: "northshire-csc").stream())
            defer { fromStore.stop() }
            #expect(try await eventually(within: 10) { those(fromStore.deliveries).count >= streamed.count })
            let reread = those(fromStore.deliveries)
            #expect(reread.map(\.eventID) == streamed.map(\.eventID))
            for (sent, stored) in zip(streamed, reread) where sent != stored {
                Issue.record("""
                    event \(sent.eventID) as sent: attempt \(sent.delivery.attempt), delivered \(sent.delivery.deliveredAt), \
                    created \(sent.delivery.createdAt); as stored: attempt \(stored.delivery.attempt), \
                    delivered \(stored.delivery.deliveredAt), created \(stored.delivery.createdAt)
                    """)
            }
        }
    }

    @Test("a node that dies with a stream open is counted out when its lease ends; what was handed out to its stream meanwhile reaches the agency after the visibility period")
    func deadNodePresenceLapses() async throws {
        let shortVisibility = { (document: inout [String: Any]) in document["delivery"] = ["visibilityTimeoutSeconds": 30] }
        try await withCluster(nodes: 1, configure: shortVisibility) { cluster in
            let a = cluster.nodes[0]
            let socialCare = try a.client(as: "northshire-csc")
            // A node's record of its open stream, as it stands when the node is killed: never renewed.
            let lease: TimeInterval = 8
            try await TestPostgres.withStore(on: cluster.database.configuration) { dead in
                try await dead.holdStreamPresence(node: UUID(), agencies: [AgencyID("northshire-csc")!], lease: lease)
            }
            let recorded = ContinuousClock.now
            var handedOut = EnvelopeBuilder()
            // Until node A has read the presence, what it publishes waits in the inbox: taken
            // and acknowledged here, so that only the message handed out at publish remains.
            #expect(try await eventually(within: 5) {
                handedOut = try await a.publishOne()
                let waiting = try await socialCare.inbox(limit: 100, wait: 0)
                if !waiting.isEmpty { _ = try await socialCare.acknowledge(deliveries: waiting.map(\.id)) }
                return waiting.isEmpty
            }, "handed out at publish to the dead node's stream, so not in the inbox")
            #expect(try await a.handedOutAtPublish(handedOut))

            a.clock.advance(by: 31)
            let again = try await socialCare.inbox(wait: 0)
            #expect(again.map { $0.messageId.uuidString.lowercased() } == [handedOut.id], "visible again after the visibility period")
            #expect(again.first?.attempt == 2)

            try await Task.sleep(until: recorded + .seconds(lease + 0.5))
            let after = try await a.publishOne()
            let waiting = try await socialCare.inbox(wait: 0)
            #expect(waiting.map { $0.messageId.uuidString.lowercased() } == [after.id], "the lapsed presence no longer counts")
            #expect(waiting.first?.attempt == 1, "not handed out at publish")
        }
    }
}

extension TestBroker {
    /// Publishes a new message to northshire-csc and answers it.
    func publishOne() async throws -> EnvelopeBuilder {
        let envelope = EnvelopeBuilder()
        try await publish(envelope)
        return envelope
    }

    /// Whether the message's delivery was handed out as it was published: its audit entries are
    /// `published`, `routed` and `delivered` at consecutive indices, one transaction's own.
    func handedOutAtPublish(_ envelope: EnvelopeBuilder) async throws -> Bool {
        let entries = (try await auditGet("/v1/audit/entries?messageId=\(envelope.id)") as AuditEntries).entries
        guard let published = entries.first(where: { $0.event.kind == "published" }) else { return false }
        let following = entries.filter { $0.index > published.index }.sorted { $0.index < $1.index }.prefix(2)
        return following.map(\.event.kind) == ["routed", "delivered"] && following.map(\.index) == [published.index + 1, published.index + 2]
    }

    /// How many times this node has logged handing deliveries out itself (a stream's or an inbox's).
    var handOutsLogged: Int {
        logs.text.components(separatedBy: "Deliveries handed out").count - 1
    }
}
