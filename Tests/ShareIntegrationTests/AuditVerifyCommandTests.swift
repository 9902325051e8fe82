import Foundation
import ShareTesting
import Testing

/// `sharectl audit verify`, run as an auditor would run it, against honest and tampered logs.
@Suite("sharectl audit verify")
struct AuditVerifyCommandTests {
    func verify(_ broker: TestBroker, full: Bool = false) async throws -> Subprocess.Result {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        return try await Subprocess.run(sharectl, [
            "audit", "verify", "--as", "northshire-audit", "--demo-dir", broker.folder.path,
            "--url", broker.baseURL.absoluteString,
            "--state", broker.folder.appendingPathComponent("audit-state.json").path,
        ] + (full ? ["--full"] : []))
    }

    func tamper(_ broker: TestBroker, _ sql: String) async throws {
        try await broker.stop()
        let result = try await Subprocess.run("sqlite3", [broker.folder.appendingPathComponent("broker.sqlite").path, sql])
        #expect(result.status == 0, "\(result.stderr)")
        try await broker.start()
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
        }
    }

    @Test("a changed entry is detected: the new tree does not extend the verified one")
    func changedEntryIsDetected() async throws {
        try await withBroker { broker in
            _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals")
            #expect(try await verify(broker).status == 0)
            try await tamper(broker, """
                DROP TRIGGER events_no_update;
                UPDATE events SET entry = CAST(replace(CAST(entry AS TEXT), 'public-task', 'consent') AS BLOB)
                    WHERE kind = 'published';
                """)
            let check = try await verify(broker)
            #expect(check.status == 1)
            #expect(check.stderr.contains("AUDIT VERIFICATION FAILED"))
            #expect(check.stderr.contains("history was changed"))
        }
    }

    @Test("removed entries are detected")
    func truncationIsDetected() async throws {
        try await withBroker { broker in
            for _ in 0..<3 { _ = try await broker.publishRaw(EnvelopeBuilder(), as: "northshire-hospitals") }
            #expect(try await verify(broker).status == 0)
            try await tamper(broker, """
                DROP TRIGGER events_no_delete;
                DELETE FROM events WHERE idx >= 2;
                """)
            let check = try await verify(broker)
            #expect(check.status == 1)
            #expect(check.stderr.contains("AUDIT VERIFICATION FAILED"))
        }
    }
}
