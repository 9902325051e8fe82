import Foundation
import ShareAudit
import ShareClient
import ShareServer
import ShareStorePostgres
import ShareTesting
import Testing

/// Two broker nodes on one PostgreSQL database answer as one partnership: whichever node a
/// request reaches, the answer is the same.
@Suite("A cluster of two nodes on PostgreSQL")
struct ClusterTests {
    /// Runs `body` with a fresh two-node cluster, always stopped afterwards.
    func withCluster(clocks: [TestClock] = [], configure: (inout [String: Any]) -> Void = { _ in },
                     _ body: (TestBroker, TestBroker) async throws -> Void) async throws {
        let cluster = try await TestCluster.start(nodes: 2, clocks: clocks, configure: configure)
        do {
            try await body(cluster.nodes[0], cluster.nodes[1])
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    @Test("a message stored by one node is seen by the other; a resend there is a replay, other bytes under its id a conflict on both")
    func publishAcrossNodes() async throws {
        try await withCluster { a, b in
            let envelope = EnvelopeBuilder()
            let jws = try a.signer(for: "northshire-hospitals").sign(envelope: envelope.data)
            let first = try await a.postJWS(jws, as: "northshire-hospitals")
            #expect(first.status == 201)

            let status = try await b.client(as: "northshire-hospitals").status(message: try #require(UUID(uuidString: envelope.id)))
            #expect(status.recipients.map(\.state) == ["pending"])
            let resent = try await b.postJWS(jws, as: "northshire-hospitals")
            #expect(resent.status == 201)
            #expect(resent.header("Idempotent-Replayed") == "true")
            #expect(resent.body == first.body, "the first answer, from the other node")

            let other = try a.signer(for: "northshire-hospitals").sign(envelope: envelope.withSummary("other words").data)
            #expect(try await a.postJWS(other, as: "northshire-hospitals").status == 409)
            #expect(try await b.postJWS(other, as: "northshire-hospitals").status == 409)

            let deliveries = try await b.client(as: "northshire-csc").inbox()
            #expect(deliveries.map(\.jws) == [jws], "one copy, delivered by the other node")
            let published = try await b.auditGet("/v1/audit/entries?kind=published") as AuditEntries
            #expect(published.entries.map(\.event.messageID) == [envelope.id])
        }
    }

    @Test("inbox fetches on both nodes at once never hand out one delivery twice")
    func exclusiveHandOutAcrossNodes() async throws {
        try await withCluster { a, b in
            var published: Set<String> = []
            for _ in 0..<30 {
                let envelope = EnvelopeBuilder()
                try await a.publish(envelope)
                published.insert(envelope.id)
            }
            let fetchers = [a, b, a, b]
            let fetched = try await withThrowingTaskGroup(of: [String].self) { group in
                for node in fetchers {
                    let client = try node.client(as: "northshire-csc")
                    group.addTask {
                        var ids: [String] = []
                        for _ in 0..<10 { ids += try await client.inbox(limit: 3).map { $0.messageId.uuidString.lowercased() } }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(fetched.count == Set(fetched).count, "no delivery handed out twice in one visibility period")
            #expect(Set(fetched) == published)
        }
    }

    @Test("a stream on one node is woken by a message published on the other, not by its next look")
    func streamWokenAcrossNodes() async throws {
        // With a heartbeat of 300 s, a stream that was not woken would look again only then.
        let quietStreams = { (document: inout [String: Any]) in
            var delivery = document["delivery"] as? [String: Any] ?? [:]
            delivery["streamHeartbeatSeconds"] = 300
            document["delivery"] = delivery
        }
        try await withCluster(configure: quietStreams) { a, b in
            let reader = StreamReader(try await b.client(as: "northshire-csc").stream())
            defer { reader.stop() }
            #expect(try await eventually { b.streamsOpened(1) })
            let envelope = EnvelopeBuilder()
            try await a.publish(envelope)
            #expect(try await eventually(within: 30) { reader.messageIDs == [envelope.id] })
        }
    }

    @Test("a subscription made on one node routes on the other at once")
    func subscriptionAcrossNodes() async throws {
        try await withCluster { a, b in
            // b reads the subscriptions (none) before a adds one, so a stale copy would show.
            #expect(try await b.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals").json?["recipients"] as? [String] == ["northshire-csc"])
            #expect(try await a.subscribe("northshire-mash", SubscriptionTests.referrals).status == 201)
            let answer = try await b.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(answer.json?["recipients"] as? [String] == ["northshire-csc", "northshire-mash"])
        }
    }

    @Test("a suspension reloaded on one node takes effect on every node at once")
    func suspensionOnEveryNode() async throws {
        try await withCluster { a, b in
            #expect(try await b.curl("/v1/inbox", as: "oakfield-primary").status == 200)
            try a.setStatus(of: "oakfield-primary", to: "suspended")
            try await a.server.reload()
            #expect(try await eventually { try await b.curl("/v1/inbox", as: "oakfield-primary").status == 403 },
                    "the other node reloaded its own copy when told")
            #expect(try await a.curl("/v1/inbox", as: "oakfield-primary").status == 403)
            #expect(try await b.curl("/v1/inbox", as: "northshire-csc").status == 200)
        }
    }

    @Test("an expiry is settled once with two nodes' timers running, and the sender told once")
    func timersOnceAcrossNodes() async throws {
        try await withCluster(configure: TimerTests.fastTimers) { a, b in
            let referral = TimerTests.referral(expiringIn: 60, from: a.clock.now())
            try await a.publish(referral)
            a.clock.advance(by: 120)
            b.clock.advance(by: 120)
            let notices = try await TimerTests.notices(for: "northshire-hospitals", on: b)
            #expect(notices.count == 1)
            try await Task.sleep(for: .milliseconds(500))
            let expired = try await a.auditGet("/v1/audit/entries?kind=expired") as AuditEntries
            #expect(expired.entries.count == 1, "one expiry entry, not one per node")
            let status = try await a.client(as: "northshire-hospitals").status(message: try #require(UUID(uuidString: referral.id)))
            #expect(status.recipients.map(\.state) == ["expired"])
        }
    }

    @Test("both nodes serve one audit log: the same tree head, and entries contiguous in one order")
    func oneAuditLog() async throws {
        try await withCluster { a, b in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for node in [a, b, a, b] {
                    group.addTask { for _ in 0..<10 { try await node.publish(EnvelopeBuilder()) } }
                }
                try await group.waitForAll()
            }
            // Each query is itself an entry, so b's head is one entry past a's: b proves that its
            // tree extends the one a signed, and a verifies b's proof of a's own query.
            let fromA = try await a.auditGet("/v1/audit/tree-head") as AuditLogTests.Head
            let fromB = try await b.auditGet("/v1/audit/tree-head") as AuditLogTests.Head
            #expect(fromB.treeHead.treeSize == fromA.treeHead.treeSize + 1)
            let proof: AuditLogTests.Consistency = try await b.auditGet(
                "/v1/audit/proof/consistency?from=\(fromA.treeHead.treeSize)&to=\(fromB.treeHead.treeSize)")
            #expect(ProofVerifier.isValidConsistency(
                first: fromA.treeHead.treeSize, second: fromB.treeHead.treeSize,
                firstHash: fromA.root, secondHash: fromB.root, path: proof.path.compactMap { Hash(base64: $0) }))
            let entries = try await b.auditGet("/v1/audit/entries?limit=1000") as AuditEntries
            #expect(entries.entries.map(\.index) == Array(0..<entries.entries.count))
            #expect(entries.entries.filter { $0.event.kind == "published" }.count == 40)
        }
    }

    // The tree is in the database: a node restarted over it reads its subtree blocks and serves
    // what the other node served; an entry changed behind both nodes' backs is found, at its
    // own index, by the full check of the node that starts next.
    @Test("a restarted node serves the proofs the other node served; an entry changed in the database is found at its index")
    func restartedNodeServesStoredTree() async throws {
        let cluster = try await TestCluster.start(nodes: 2)
        do {
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            for node in [a, b, a] { try await node.publish(EnvelopeBuilder()) }
            let head = try await a.auditGet("/v1/audit/tree-head") as AuditLogTests.Head
            let size = head.treeHead.treeSize
            var proofs: [AuditLogTests.Inclusion] = []
            for index in 0..<size { proofs.append(try await a.auditGet("/v1/audit/proof/inclusion?index=\(index)&treeSize=\(size)")) }
            try await b.stop()
            try await b.start()
            for (index, before) in proofs.enumerated() {
                let after: AuditLogTests.Inclusion = try await b.auditGet("/v1/audit/proof/inclusion?index=\(index)&treeSize=\(size)")
                #expect(after.path == before.path && after.leafHash == before.leafHash)
                #expect(ProofVerifier.isValidInclusion(leafIndex: index, treeSize: size, leafHash: try #require(Hash(base64: after.leafHash)),
                                                       path: after.path.compactMap { Hash(base64: $0) }, rootHash: head.root))
            }

            try await b.stop()
            try await TestPostgres.run("ALTER TABLE events DISABLE TRIGGER events_no_change", on: cluster.database.configuration)
            try await TestPostgres.run("UPDATE events SET entry = '\\x7b7d' WHERE idx = 2", on: cluster.database.configuration)
            try await b.start()
            let refused = try await b.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(refused.problem?.type == "urn:sharebroker:problem:audit-log-inconsistent")
            #expect(try await AuditLogTests().firstSuspectIndex(b) == 2)
            #expect(b.logs.text.contains("the entry at index 2 no longer hashes"))
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    @Test("nodes whose clocks differ by a minute follow the database's: nothing is handed out again early, nothing expires early")
    func clocksFollowTheDatabase() async throws {
        let followTheDatabase = { (document: inout [String: Any]) in
            TimerTests.fastTimers(&document)
            var store = document["store"] as? [String: Any] ?? [:]
            var postgres = store["postgres"] as? [String: Any] ?? [:]
            postgres["clock"] = "database"
            store["postgres"] = postgres
            document["store"] = store
            var delivery = document["delivery"] as? [String: Any] ?? [:]
            delivery["visibilityTimeoutSeconds"] = 20
            document["delivery"] = delivery
        }
        // Node b's own clock runs a minute ahead of a's (and of the database's).
        let clocks = [TestClock(), TestClock(Date().addingTimeInterval(60))]
        try await withCluster(clocks: clocks, configure: followTheDatabase) { a, b in
            #expect(b.logs.text.contains("This node's clock differs from the database's"), "the operator is told")
            // Visible again 20 s after its hand-out: to b's own clock, already.
            try await a.publish(TimerTests.referral(expiringIn: 3600, from: Date()))
            #expect(try await a.client(as: "northshire-csc").inbox().count == 1)
            #expect(try await b.client(as: "northshire-csc").inbox(wait: 0).isEmpty,
                    "hidden for its visibility period on the other node too")
            // Expiring in 30 s: to b's own clock, already expired.
            let referral = TimerTests.referral(expiringIn: 30, from: Date())
            try await a.publish(referral)
            try await Task.sleep(for: .milliseconds(500))
            let status = try await b.client(as: "northshire-hospitals").status(message: try #require(UUID(uuidString: referral.id)))
            #expect(status.recipients.map(\.state) == ["pending"], "not expired by the node whose clock is ahead")
        }
    }

    // A newer node upgrades the database while these two run: from then on they write nothing.
    // The upgrade is played by the statements a newer node's migration ends with.
    @Test("nodes of a version the database was upgraded past answer writes 503 and store nothing, fail readiness, tell their operator to upgrade them, and still answer reads")
    func nodesLeftBehindByAnUpgradeWriteNothing() async throws {
        let cluster = try await TestCluster.start(nodes: 2, configure: MetricsTests.withMetrics)
        do {
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            let before = EnvelopeBuilder()
            try await a.publish(before)
            #expect(try await a.plainGet("/readyz").status == 200)
            try await TestPostgres.run("UPDATE schema_version SET version = version + 1", on: cluster.database.configuration)
            try await TestPostgres.run("UPDATE log_head SET schema_version = schema_version + 1", on: cluster.database.configuration)

            let after = EnvelopeBuilder()
            let jws = try a.signer(for: "northshire-hospitals").sign(envelope: after.data)
            for node in [a, b] {
                let refused = try await node.postJWS(jws, as: "northshire-hospitals")
                #expect(refused.status == 503)
                #expect(refused.problem?.code == "store-unavailable")
                #expect(refused.header("Retry-After") != nil)
                #expect(node.logs.text.contains("this node is of schema 8 and writes nothing to it"))
                #expect(node.logs.text.contains("Upgrade this node"))
                let ready = try await node.plainGet("/readyz")
                #expect(ready.status == 503 && ready.body.contains("Upgrade this node"), "a load balancer takes it out: \(ready.body)")
            }
            let status = try await b.client(as: "northshire-hospitals").status(message: try #require(UUID(uuidString: before.id)))
            #expect(status.recipients.map(\.state) == ["pending"], "reads go on")
            let audit = try await b.client(as: "northshire-audit").send("GET", "/v1/audit/entries?kind=published")
            #expect(audit.status == 503, "an auditor's read is itself recorded, so it waits for an upgraded node too")
            let published = try await TestPostgres.run("SELECT 1 FROM events WHERE kind = 'published'", on: cluster.database.configuration)
            let earlier = try await TestPostgres.run("SELECT 1 FROM events WHERE message_id = '\(before.id)'", on: cluster.database.configuration)
            #expect(published.count == 1 && !earlier.isEmpty, "nothing of the refused publishes was recorded")
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    // The readiness probe reads one row; counting the unacknowledged deliveries (the metric)
    // takes longer as the backlog grows. A table locked by another session stands in for a
    // count too slow for the probe: with the count in the probe, this node would say the store
    // does not answer. When the probe's own row is locked, the answer comes at the probe's
    // limit, although the store's query goes on waiting.
    @Test("while the store waits on a lock, readiness and scrapes answer in time and share one read: ready with the last count while the deliveries are locked, \"the store does not answer\" while the probe's row is")
    func storeReadsUnderLocks() async throws {
        let cluster = try await TestCluster.start(nodes: 1, configure: MetricsTests.withMetrics)
        do {
            let node = cluster.nodes[0]
            try await node.publish(EnvelopeBuilder())
            let counted = try #require(try await Scrape(node)["sharebroker_unacknowledged_deliveries"])
            #expect(counted >= 1)
            let database = cluster.database.configuration
            try await TestPostgres.holding("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE", on: database) {
                let probing = ContinuousClock.now
                let ready = try await node.plainGet("/readyz")
                #expect(ready.status == 200, "\(ready.body)")
                #expect(ContinuousClock.now - probing < .seconds(2), "answered without waiting for the lock")
                for _ in 0..<3 {
                    let scraping = ContinuousClock.now
                    let scrape = try await Scrape(node)
                    #expect(ContinuousClock.now - scraping < .seconds(5), "answered at the read's limit, not when the lock went")
                    #expect(scrape["sharebroker_unacknowledged_deliveries"] == counted, "the last count the store gave")
                }
                #expect(try await TestPostgres.running("SELECT count(*) FROM deliveries", on: database) == 1,
                        "three scrapes, one count waiting on the lock")
            }
            try await TestPostgres.holding("LOCK TABLE log_head IN ACCESS EXCLUSIVE MODE", on: database) {
                for _ in 0..<3 {
                    let probing = ContinuousClock.now
                    let ready = try await node.plainGet("/readyz")
                    #expect(ready.status == 503 && ready.body.contains("store does not answer"), "\(ready.body)")
                    #expect(ContinuousClock.now - probing < .seconds(5), "answered at the probe's limit, not when the lock went")
                }
                #expect(try await TestPostgres.running("SELECT schema_version FROM log_head", on: database) == 1,
                        "three checks, one probe waiting on the lock")
            }
            #expect(try await eventually { try await node.plainGet("/readyz").status == 200 }, "ready again once the lock is gone")
            try await node.publish(EnvelopeBuilder())
            #expect(try await eventually { try await Scrape(node)["sharebroker_unacknowledged_deliveries"] == counted * 2 },
                    "counted again once the lock is gone")
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    @Test("while the database refuses connections a publish is answered 503 at once, stores nothing, and service comes back with the database")
    func databaseOutage() async throws {
        let quickToGiveUp = { (document: inout [String: Any]) in
            MetricsTests.withMetrics(&document)
            var store = document["store"] as? [String: Any] ?? [:]
            var postgres = store["postgres"] as? [String: Any] ?? [:]
            postgres["connectionWaitSeconds"] = 2
            store["postgres"] = postgres
            document["store"] = store
        }
        let cluster = try await TestCluster.start(nodes: 1, configure: quickToGiveUp)
        do {
            let node = cluster.nodes[0]
            try await node.publish(EnvelopeBuilder())
            var server = cluster.database.configuration
            server.database = try TestPostgres.server().database
            let name = cluster.database.configuration.database
            try await TestPostgres.run("ALTER DATABASE \(name) ALLOW_CONNECTIONS false", on: server)
            try await TestPostgres.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)'", on: server)

            let lost = EnvelopeBuilder()
            let jws = try node.signer(for: "northshire-hospitals").sign(envelope: lost.data)
            let started = ContinuousClock.now
            let refused = try await node.postJWS(jws, as: "northshire-hospitals")
            #expect(refused.status == 503)
            #expect(refused.problem?.code == "store-unavailable")
            #expect(refused.header("Retry-After") != nil)
            #expect(ContinuousClock.now - started < .seconds(30), "answered within the connection wait, not held for the pool's minute")
            let probing = ContinuousClock.now
            let ready = try await node.plainGet("/readyz")
            #expect(ready.status == 503 && ready.body.contains("store does not answer"), "\(ready.body)")
            #expect(ContinuousClock.now - probing < .seconds(10), "a readiness probe learns it before its own timeout")

            try await TestPostgres.run("ALTER DATABASE \(name) ALLOW_CONNECTIONS true", on: server)
            var afterwards = refused
            _ = try await eventually(within: 30) {
                afterwards = try await node.postJWS(jws, as: "northshire-hospitals")
                return afterwards.status != 503
            }
            #expect(afterwards.status == 201, "back with the database")
            #expect(afterwards.header("Idempotent-Replayed") == nil, "new: the refused publish had stored nothing")
            let again = try await node.postJWS(jws, as: "northshire-hospitals")
            #expect(again.header("Idempotent-Replayed") == "true", "stored once, by the publish after the outage")
            let published = try await node.auditGet("/v1/audit/entries?kind=published") as AuditEntries
            #expect(published.entries.filter { $0.event.messageID == lost.id }.count == 1, "nothing of the refused publish was recorded")
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }
}

