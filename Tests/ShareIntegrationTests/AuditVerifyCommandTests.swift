import Foundation
import ShareTesting
import Testing

/// `sharectl audit verify` and `export`, run as an auditor would, against honest and tampered logs.
@Suite("sharectl audit verify")
struct AuditVerifyCommandTests {
    func sharectl(_ broker: TestBroker, _ arguments: [String]) async throws -> Subprocess.Result {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let state = arguments.first == "verify" ? ["--state", broker.folder.appendingPathComponent("audit-state.json").path] : []
        return try await Subprocess.run(sharectl, ["audit"] + arguments + [
            "--as", "northshire-audit", "--demo-dir", broker.folder.path, "--url", broker.baseURL.absoluteString,
        ] + state)
    }

    func verify(_ broker: TestBroker, full: Bool = false) async throws -> Subprocess.Result {
        try await sharectl(broker, ["verify"] + (full ? ["--full"] : []))
    }

    /// Publishes `count` messages and makes a full check that keeps a copy of the leaves.
    func prepare(_ broker: TestBroker, messages count: Int) async throws {
        for _ in 0..<count { _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals") }
        let check = try await verify(broker, full: true)
        #expect(check.status == 0, "\(check.stderr)")
    }

    /// Changes the stored log as an insider with the disk could, and also deletes the tree heads
    /// and the stored Merkle tree the broker kept, so that its own checks have nothing to
    /// compare with and it serves the altered log (AuditLogTests shows it refusing when they
    /// are there): the auditor's pinned tree head is then the only witness left.
    func tamper(_ broker: TestBroker, _ sql: String) async throws {
        try await broker.stop()
        let result = try await sqlite3(broker.folder.appendingPathComponent("broker.sqlite").path,
                                       sql + "; DELETE FROM tree_heads; DROP TRIGGER subtree_blocks_no_delete; DELETE FROM subtree_blocks;")
        #expect(result.status == 0, "\(result.stderr)")
        try await broker.start()
    }

    func expectFailure(_ result: Subprocess.Result, naming text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 1, sourceLocation: sourceLocation)
        #expect(result.stderr.contains(text), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test("an honest log verifies, first alone and then as an extension of the last check")
    func honestLogVerifies() async throws {
        try await withBroker { broker in
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            let first = try await verify(broker)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.text.contains("signature verified"))
            #expect(first.text.contains("first check"))
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-police")
            let second = try await verify(broker, full: true)
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.text.contains("consistent with the tree head verified before"))
            #expect(second.text.contains("hash to the signed root"))
            let third = try await verify(broker)
            #expect(third.status == 0, "\(third.stderr)")
        }
    }

    @Test("a changed entry is detected and located")
    func changedEntryIsLocated() async throws {
        try await withBroker { broker in
            try await prepare(broker, messages: 2)
            try await tamper(broker, """
                DROP TRIGGER events_no_update;
                UPDATE events SET entry = CAST(replace(CAST(entry AS TEXT), 'public-task', 'consent') AS BLOB) WHERE idx = 3;
                """)
            expectFailure(try await verify(broker), naming: "First bad index 3")
        }
    }

    @Test("two reordered entries are detected and located")
    func reorderIsLocated() async throws {
        try await withBroker { broker in
            try await prepare(broker, messages: 2)
            try await tamper(broker, """
                DROP TRIGGER events_no_update;
                UPDATE events SET entry = CASE idx WHEN 1 THEN (SELECT entry FROM events WHERE idx = 3)
                                                   ELSE (SELECT entry FROM events WHERE idx = 1) END
                WHERE idx IN (1, 3);
                """)
            expectFailure(try await verify(broker), naming: "First bad index 1")
        }
    }

    @Test("a truncated log is detected and located")
    func truncationIsLocated() async throws {
        try await withBroker { broker in
            try await prepare(broker, messages: 3)
            try await tamper(broker, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE idx >= 2;")
            expectFailure(try await verify(broker), naming: "First bad index 2")
        }
    }

    // A gap needs no tree head to prove it: the broker finds it at start and refuses, and the
    // auditor is told why.
    @Test("a deleted entry in the middle is reported with its index")
    func deletionIsLocated() async throws {
        try await withBroker { broker in
            try await prepare(broker, messages: 2)
            try await tamper(broker, "DROP TRIGGER events_no_delete; DELETE FROM events WHERE idx = 1;")
            let check = try await verify(broker)
            #expect(check.status == 1)
            #expect(check.stderr.contains("audit-log-inconsistent"), "stderr: \(check.stderr)")
            #expect(check.stderr.contains("no entry at index 1"), "stderr: \(check.stderr)")
        }
    }

    @Test("export and verify --full report their progress as entries read of the tree head's size")
    func progressCountsOfTheTreeHead() async throws {
        try await withBroker { broker in
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            let exported = try await sharectl(broker, ["export", broker.folder.appendingPathComponent("export").path])
            let full = try await verify(broker, full: true)
            for result in [exported, full] {
                #expect(result.status == 0, "\(result.stderr)")
                let size = try #require(result.text.firstMatch(of: /(\d+) entries/)?.1, "the entry count in: \(result.text)")
                let reports = result.stderr.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).filter { $0.hasPrefix("entries read:") }
                #expect(reports.last.map(String.init) == "entries read: \(size)/\(size)", "\(result.stderr)")
            }
        }
    }

    @Test("an export verifies offline with no broker, and a changed exported entry is located")
    func offlineExport() async throws {
        try await withBroker { broker in
            try await prepare(broker, messages: 2)
            let folder = broker.folder.appendingPathComponent("export")
            let exported = try await sharectl(broker, ["export", folder.path])
            #expect(exported.status == 0, "\(exported.stderr)")
            try await broker.stop()

            let offline = try await sharectl(broker, ["verify", "--offline", folder.path])
            #expect(offline.status == 0, "\(offline.stderr)")
            #expect(offline.text.contains("hash to the signed root"))

            let file = folder.appendingPathComponent("entries.jsonl")
            var lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map(String.init)
            lines[3] = #"{"index":3,"leaf":"\#(Data("forged".utf8).base64EncodedString())"}"#
            try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
            expectFailure(try await sharectl(broker, ["verify", "--offline", folder.path]), naming: "First bad index 3")
            try await broker.start()
        }
    }
}
