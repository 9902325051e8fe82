import Foundation
import ShareAudit
import ShareClient
import ShareTesting
import Testing

/// The event record as a verifiable log: an auditor checks it with nothing but the broker's
/// published key, RFC 9162 proofs, and (for the signature) an independent JOSE library.
@Suite("Audit log: signed tree heads and proofs")
struct AuditLogTests {
    struct Head: Decodable {
        struct Body: Decodable {
            let treeSize: Int
            let rootHash: String
            let timestamp: String
        }

        let treeHead: Body
        let signed: String
        var root: Hash { Hash(base64: treeHead.rootHash)! }
    }

    struct Inclusion: Decodable {
        let index: Int
        let treeSize: Int
        let leafHash: String
        let path: [String]
    }

    struct Consistency: Decodable {
        let from: Int
        let to: Int
        let path: [String]
    }

    func publish(_ broker: TestBroker) async throws -> PublishAnswer {
        let jws = try broker.signer(for: "northshire-hospitals").sign(envelope: EnvelopeBuilder().data)
        return try await broker.client(as: "northshire-hospitals").publish(jws: jws)
    }

    @Test("each publish's entry is provably in the signed tree, and the signature verifies in joserfc")
    func publishedEntriesAreProvablyLogged() async throws {
        try await withBroker { broker in
            var answers: [PublishAnswer] = []
            for _ in 0..<3 { answers.append(try await publish(broker)) }
            let head: Head = try await broker.auditGet("/v1/audit/tree-head")
            #expect(head.treeHead.treeSize >= 7, "3 published + 3 routed + this query")

            let folder = broker.folder
            try Data(head.signed.utf8).write(to: folder.appendingPathComponent("head.jws"))
            let jwks = try await broker.client(as: "northshire-audit").send("GET", "/v1/directory/jwks")
            try jwks.body.write(to: folder.appendingPathComponent("jwks.json"))
            let verified = try await Subprocess.run("python3", [
                Paths.joseInterop, "verify", "--jwks", folder.appendingPathComponent("jwks.json").path,
                "--jws", folder.appendingPathComponent("head.jws").path,
            ])
            #expect(verified.status == 0, "\(verified.stderr)")
            let signedHead = try JSONDecoder().decode(Head.Body.self, from: verified.stdout)
            #expect(signedHead.rootHash == head.treeHead.rootHash)
            #expect(signedHead.treeSize == head.treeHead.treeSize)

            for answer in answers {
                let entries: AuditEntries = try await broker.auditGet("/v1/audit/entries?fromIndex=\(answer.audit.index)&limit=1")
                let entry = try #require(entries.entries.first)
                #expect(entry.event.kind == "published")
                #expect(entry.event.messageID == answer.id.uuidString.lowercased())
                let leafHash = MerkleHasher.leafHash(try #require(Data(base64Encoded: entry.leaf)))
                let proof: Inclusion = try await broker.auditGet(
                    "/v1/audit/proof/inclusion?index=\(entry.index)&treeSize=\(head.treeHead.treeSize)")
                #expect(proof.leafHash == leafHash.base64)
                #expect(ProofVerifier.isValidInclusion(
                    leafIndex: entry.index, treeSize: head.treeHead.treeSize, leafHash: leafHash,
                    path: proof.path.compactMap { Hash(base64: $0) }, rootHash: head.root))
            }
        }
    }

    @Test("a later tree head is provably an extension of an earlier one, across a restart")
    func consistencyAcrossRestart() async throws {
        try await withBroker { broker in
            _ = try await publish(broker)
            let first: Head = try await broker.auditGet("/v1/audit/tree-head")
            try await broker.stop()
            try await broker.start()
            _ = try await publish(broker)
            let second: Head = try await broker.auditGet("/v1/audit/tree-head")
            #expect(second.treeHead.treeSize > first.treeHead.treeSize)
            let proof: Consistency = try await broker.auditGet(
                "/v1/audit/proof/consistency?from=\(first.treeHead.treeSize)&to=\(second.treeHead.treeSize)")
            let path = proof.path.compactMap { Hash(base64: $0) }
            #expect(ProofVerifier.isValidConsistency(
                first: first.treeHead.treeSize, second: second.treeHead.treeSize,
                firstHash: first.root, secondHash: second.root, path: path))
            #expect(!ProofVerifier.isValidConsistency(
                first: first.treeHead.treeSize, second: second.treeHead.treeSize,
                firstHash: MerkleHasher.emptyRoot, secondHash: second.root, path: path), "a wrong earlier root fails")
        }
    }

    @Test("an entry changed in the store while the broker was stopped is found at start: an alarm names where, and publishes, audit answers and /health refuse")
    func tamperingFoundAtStart() async throws {
        try await withBroker { broker in
            for _ in 0..<3 { _ = try await publish(broker) }
            let before: Head = try await broker.auditGet("/v1/audit/tree-head")
            try await broker.stop()
            let tampered = try await tamper(broker, """
                UPDATE events SET entry = CAST(replace(CAST(entry AS TEXT), 'northshire-csc', 'northshire-mash') AS BLOB)
                    WHERE idx = (SELECT max(idx) FROM events WHERE kind = 'routed');
                """)
            #expect(tampered.status == 0, "\(tampered.stderr)")
            try await broker.start()

            let refused = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(refused.status == 503)
            #expect(refused.problem?.type == "urn:sharebroker:problem:audit-log-inconsistent")
            let head = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/tree-head")
            #expect(head.status == 503, "no tree head is signed over the altered log")
            let report = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/subjects/report?nhsNumber=9990001235")
            #expect(report.status == 503, "the altered history is not shown")

            let health = try await broker.curl("/health", as: "northshire-csc")
            #expect(health.status == 503)
            let state = try #require(try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any])
            #expect(state["status"] as? String == "audit-log-inconsistent")
            let audit = try #require(state["auditLog"] as? [String: Any])
            let suspect = try #require(audit["firstSuspectIndex"] as? Int)
            let signedSize = try #require(audit["signedTreeSize"] as? Int)
            #expect(suspect < signedSize && signedSize <= before.treeHead.treeSize,
                    "the change lies between the last head that still matches and the first that does not")
            #expect(broker.logs.text.contains("AUDIT LOG TAMPERED"))
            #expect(broker.logs.text.contains("\"share.first_suspect_index\": \(suspect)"))

            let inbox = try await broker.client(as: "northshire-csc").send("GET", "/v1/inbox")
            #expect(inbox.status == 200, "deliveries of messages already stored go on")
        }
    }

    @Test("a broker restarted over its log gives the proofs it gave before for every entry of a signed head, and they verify")
    func sameProofsAfterRestart() async throws {
        try await withBroker { broker in
            for _ in 0..<3 { _ = try await publish(broker) }
            let head: Head = try await broker.auditGet("/v1/audit/tree-head")
            let size = head.treeHead.treeSize
            var proofs: [Inclusion] = []
            for index in 0..<size { proofs.append(try await broker.auditGet("/v1/audit/proof/inclusion?index=\(index)&treeSize=\(size)")) }
            try await broker.stop()
            try await broker.start()
            for (index, before) in proofs.enumerated() {
                let after: Inclusion = try await broker.auditGet("/v1/audit/proof/inclusion?index=\(index)&treeSize=\(size)")
                #expect(after.path == before.path && after.leafHash == before.leafHash)
                #expect(ProofVerifier.isValidInclusion(leafIndex: index, treeSize: size, leafHash: try #require(Hash(base64: after.leafHash)),
                                                       path: after.path.compactMap { Hash(base64: $0) }, rootHash: head.root))
            }
            #expect(broker.logs.text.contains("the stored tree matches the latest signed tree head"))
        }
    }

    @Test("several inclusion proofs in one call are each entry's own proof, in the order asked, and the call is one entry of the log")
    func severalProofsAtOnce() async throws {
        struct Inclusions: Decodable {
            let treeSize: Int
            let proofs: [Inclusion]
        }
        try await withBroker { broker in
            for _ in 0..<3 { _ = try await publish(broker) }
            let head: Head = try await broker.auditGet("/v1/audit/tree-head")
            let size = head.treeHead.treeSize
            let asked = [size - 1, 0, 2]
            let before: AuditEntries = try await broker.auditGet("/v1/audit/entries?kind=audit-queried&limit=1000")
            let answer: Inclusions = try await broker.auditGet(
                "/v1/audit/proof/inclusions?treeSize=\(size)" + asked.map { "&index=\($0)" }.joined())
            #expect(answer.treeSize == size && answer.proofs.map(\.index) == asked)
            for proof in answer.proofs {
                let single: Inclusion = try await broker.auditGet("/v1/audit/proof/inclusion?index=\(proof.index)&treeSize=\(size)")
                #expect(proof.path == single.path && proof.leafHash == single.leafHash)
                #expect(ProofVerifier.isValidInclusion(leafIndex: proof.index, treeSize: size, leafHash: try #require(Hash(base64: proof.leafHash)),
                                                       path: proof.path.compactMap { Hash(base64: $0) }, rootHash: head.root))
            }
            let after: AuditEntries = try await broker.auditGet("/v1/audit/entries?kind=audit-queried&limit=1000")
            let recorded = after.entries.dropFirst(before.entries.count).first
            #expect(recorded?.event.query == "inclusion-proofs treeSize=\(size) count=3", "one entry for the three proofs")

            let auditor = try broker.client(as: "northshire-audit")
            for bad in ["treeSize=\(size)", "index=0", "treeSize=\(size)&index=0&index=\(size)", "treeSize=\(size)&index=x",
                        "treeSize=\(size)" + String(repeating: "&index=0", count: 1001)] {
                let refused = try await auditor.send("GET", "/v1/audit/proof/inclusions?\(bad)")
                #expect(refused.status == 400, "\(bad.prefix(60))")
            }
            #expect(try await broker.client(as: "northshire-hospitals").send("GET", "/v1/audit/proof/inclusions?treeSize=\(size)&index=0").status == 403)
        }
    }

    @Test("a stored subtree hash changed while the broker was stopped is found at its first leaf, and publishes refuse")
    func changedSubtreeFound() async throws {
        try await withBroker { broker in
            for _ in 0..<33 { _ = try await publish(broker) }
            let head = try await broker.auditGet("/v1/audit/tree-head") as Head
            #expect(head.treeHead.treeSize >= 64)
            try await broker.stop()
            // Band 1 holds the subtrees of eight leaves; its first block is complete (the tree's
            // end, which the start check reads, is in the blocks after it), and its second
            // hash covers entries 8 to 15.
            let tampered = try await tamper(broker, """
                DROP TRIGGER subtree_blocks_only_extended;
                UPDATE subtree_blocks SET hashes = CAST(substr(hashes, 1, 32) || zeroblob(32) || substr(hashes, 65) AS BLOB) WHERE band = 1 AND idx = 0;
                """)
            #expect(tampered.status == 0, "\(tampered.stderr)")
            try await broker.start()
            let refused = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(refused.problem?.type == "urn:sharebroker:problem:audit-log-inconsistent")
            #expect(try await firstSuspectIndex(broker) == 8, "the subtree (level 3, index 1) covers entries 8 to 15")
        }
    }

    @Test("a tree head row rewritten to match an altered log is found: its signature no longer verifies")
    func rewrittenTreeHeadFound() async throws {
        try await withBroker { broker in
            _ = try await publish(broker)
            _ = try await broker.auditGet("/v1/audit/tree-head") as Head
            try await broker.stop()
            let tampered = try await tamper(broker, """
                UPDATE tree_heads SET root_hash = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' WHERE tree_size = (SELECT max(tree_size) FROM tree_heads);
                """)
            #expect(tampered.status == 0, "\(tampered.stderr)")
            try await broker.start()
            let refused = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(refused.problem?.type == "urn:sharebroker:problem:audit-log-inconsistent")
            #expect(broker.logs.text.contains("the tree head record was changed"))
        }
    }

    @Test("an entry changed while the broker runs is found by the periodic check")
    func tamperingFoundWhileRunning() async throws {
        try await withBroker(configure: { setAudit(["verifyIntervalSeconds": 0.2, "treeHeadIntervalSeconds": 0.2], in: &$0) }) { broker in
            _ = try await publish(broker)
            #expect(try await eventually { try await broker.curl("/health", as: "northshire-csc").status == 200 })
            _ = try await broker.auditGet("/v1/audit/tree-head") as Head
            let tampered = try await tamper(broker, "UPDATE events SET entry = CAST('{}' AS BLOB) WHERE idx = 0;")
            #expect(tampered.status == 0, "\(tampered.stderr)")
            #expect(try await eventually { try await broker.curl("/health", as: "northshire-csc").status == 503 })
            let refused = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(refused.problem?.type == "urn:sharebroker:problem:audit-log-inconsistent")
        }
    }

    // Hashing new entries into the stored tree in one burst per tree head held up deliveries
    // (BENCHMARKS.md): it is done in small steps, whether or not anyone asks for a tree head.
    @Test("the stored tree follows the record in small steps, with no tree head signed and no audit request")
    func storedTreeFollowsTheRecord() async throws {
        try await withBroker(configure: { setAudit(["treeHeadIntervalSeconds": 3600, "catchUpIntervalSeconds": 0.1], in: &$0) }) { broker in
            for _ in 0..<6 { _ = try await publish(broker) }
            let path = broker.folder.appendingPathComponent("broker.sqlite").path
            let sizes = """
                SELECT (SELECT count(*) FROM events),
                       (SELECT coalesce(max(idx * 8 + length(hashes) / 32), 0) FROM subtree_blocks WHERE band = 0);
                """
            #expect(try await eventually {
                let counted = try await sqlite3(path, sizes).text.trimmingCharacters(in: .whitespacesAndNewlines)
                let parts = counted.split(separator: "|")
                return parts.count == 2 && parts[0] == parts[1] && parts[0] != "0"
            })
        }
    }

    @Test("an untouched log passes the check at every start")
    func untouchedLogPasses() async throws {
        try await withBroker { broker in
            _ = try await publish(broker)
            try await broker.stop()
            try await broker.start()
            _ = try await publish(broker)
            #expect(try await broker.curl("/health", as: "northshire-csc").status == 200)
            #expect(broker.logs.text.contains("Audit log verified against its signed tree heads"))
        }
    }

    /// The first suspect index `/health` reports for an audit log found changed.
    func firstSuspectIndex(_ broker: TestBroker) async throws -> Int? {
        let health = try await broker.curl("/health", as: "northshire-csc")
        let state = try JSONSerialization.jsonObject(with: Data(health.body.utf8)) as? [String: Any]
        return (state?["auditLog"] as? [String: Any])?["firstSuspectIndex"] as? Int
    }

    /// Runs SQL on the broker's store file with the sqlite3 tool, as someone with access to
    /// the disk could, after dropping the triggers that stop ordinary updates of the log.
    func tamper(_ broker: TestBroker, _ sql: String) async throws -> Subprocess.Result {
        try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path,
                          "DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS tree_heads_no_update; " + sql)
    }

    // Issue 13: kind=refusd answered an empty list, which reads as "nothing was refused".
    @Test("an unknown kind, agency or filter name is a 400 that names what there is")
    func unknownFilterValues() async throws {
        try await withBroker { broker in
            let auditor = try broker.client(as: "northshire-audit")
            let kind = try await auditor.send("GET", "/v1/audit/entries?kind=refusd")
            #expect(kind.status == 400)
            #expect(kind.problem?.detail.contains("refused") == true, "names the kinds there are")
            let agency = try await auditor.send("GET", "/v1/audit/entries?agency=northshire-nobody")
            #expect(agency.status == 400)
            let name = try await auditor.send("GET", "/v1/audit/entries?knd=refused")
            #expect(name.status == 400)
            #expect(name.problem?.detail.contains("kind") == true)
            let known = try await auditor.send("GET", "/v1/audit/entries?kind=refused&agency=northshire-hospitals")
            #expect(known.status == 200)
        }
    }

    struct KeptHeads: Decodable {
        let treeHeads: [Head]
    }

    @Test("the broker signs and keeps tree heads by itself while the log grows, each extending the last")
    func keepsTreeHeadsByItself() async throws {
        try await withBroker(configure: { setAudit(["treeHeadIntervalSeconds": 0.1], in: &$0) }) { broker in
            _ = try await publish(broker)
            var kept: [Head] = []
            #expect(try await eventually {
                kept = (try await broker.auditGet("/v1/audit/tree-heads") as KeptHeads).treeHeads
                return kept.count >= 2
            }, "heads are signed as the log grows (each query adds an entry)")
            let sizes = kept.map(\.treeHead.treeSize)
            #expect(sizes == sizes.sorted() && Set(sizes).count == sizes.count)
            let (first, second) = (kept[0], kept[1])
            let proof: Consistency = try await broker.auditGet(
                "/v1/audit/proof/consistency?from=\(first.treeHead.treeSize)&to=\(second.treeHead.treeSize)")
            #expect(ProofVerifier.isValidConsistency(
                first: first.treeHead.treeSize, second: second.treeHead.treeSize, firstHash: first.root,
                secondHash: second.root, path: proof.path.compactMap { Hash(base64: $0) }))
        }
    }

    @Test("only auditors may use the audit API, and every audit query is itself recorded")
    func auditorsOnlyAndQueriesRecorded() async throws {
        try await withBroker { broker in
            let refused = try await broker.client(as: "northshire-hospitals").send("GET", "/v1/audit/tree-head")
            #expect(refused.status == 403)
            #expect(refused.problem?.code == "auditors-only")
            let _: Head = try await broker.auditGet("/v1/audit/tree-head")
            let entries: AuditEntries = try await broker.auditGet("/v1/audit/entries?fromIndex=0&limit=100")
            let queries = entries.entries.filter { $0.event.kind == "audit-queried" }
            #expect(queries.map(\.event.query) == ["tree-head", "entries fromIndex=0 limit=100"])
            #expect(queries.allSatisfy { $0.event.agency == "northshire-audit" })
            let badProof = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/proof/inclusion?index=99&treeSize=3")
            #expect(badProof.status == 400)
        }
    }

    @Test("log entries hold no payload and no subject identifiers")
    func entriesHoldNoPersonalData() async throws {
        try await withBroker { broker in
            let envelope = EnvelopeBuilder().withSummary("AUDITCANARY")
            _ = try await broker.publishRaw(envelope, as: "northshire-hospitals")
            let entries: AuditEntries = try await broker.auditGet("/v1/audit/entries?fromIndex=0&limit=100")
            let text = entries.entries.map { String(decoding: Data(base64Encoded: $0.leaf) ?? Data(), as: UTF8.self) }.joined()
            #expect(text.contains(envelope.id))
            for secret in ["9990001235", "Jane Example", "1999-05-02", "AUDITCANARY"] {
                #expect(!text.contains(secret), "the log must not contain \(secret)")
            }
        }
    }
}
