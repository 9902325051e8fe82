import Foundation
import ShareModel
import ShareStore
import ShareStoreConformance
import ShareStoreSQLite
import Testing

@Suite("SQLite store: upgrading")
struct SQLiteMigrationTests {
    /// Turns a current store file back into the version-10 layout: entries and deliveries
    /// found by message id only, no delivery deadlines (version 12), no retention (version 14),
    /// no attachments (version 15) and no subtree blocks (version 16).
    private static let downgradeToVersion10 = """
        DROP TABLE subtree_blocks;
        DROP TABLE attachment_chunks;
        DROP TABLE attachments;
        DROP TABLE message_attachments;
        DROP INDEX messages_retention;
        ALTER TABLE messages DROP COLUMN purged_at;
        DROP TABLE legal_holds;
        DROP INDEX deliveries_past_due;
        ALTER TABLE deliveries DROP COLUMN due_by;
        ALTER TABLE deliveries DROP COLUMN due_handled_at;
        DROP INDEX deliveries_message_index;
        ALTER TABLE deliveries DROP COLUMN message_index;
        CREATE INDEX deliveries_message ON deliveries (message_id);
        DROP INDEX events_message_index;
        DROP INDEX events_message;
        ALTER TABLE events DROP COLUMN message_index;
        CREATE INDEX events_message ON events (message_id) WHERE message_id IS NOT NULL;
        ALTER TABLE messages DROP COLUMN audit_index;
        PRAGMA user_version = 10;
        """

    // A version-10 store upgrades on open: the entries and deliveries recorded before are
    // still found by message (and the entries by subject), beside those recorded after, and
    // none is found twice.
    @Test func recordsFromBeforeVersion11AreStillFoundByMessageAndSubject() async throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("broker.sqlite").path
        let before = newMessage(subjects: ["subject-token-a"])
        var store = try SQLiteStore(configuration: .init(path: path))
        let beforeReceipt = try await publishStored(before, to: store)
        await store.close()
        let downgrade = try await sqlite3(path, Self.downgradeToVersion10)
        try #require(downgrade.status == 0, "\(downgrade.error)")

        store = try SQLiteStore(configuration: .init(path: path))
        let after = newMessage(subjects: ["subject-token-a"])
        let afterReceipt = try await publishStored(after, to: store)
        let delivery = before.deliveries[0].id
        #expect(try await store.acknowledge(delivery: delivery, by: .csc, at: t0.addingTimeInterval(60))?.isFirst == true)

        let beforeEntries = try await store.events(matching: EventFilter(messageID: before.id), limit: 100)
        #expect(beforeEntries.map(\.event.kind) == [.published, .routed, .acknowledged])
        #expect(beforeEntries.first?.index == beforeReceipt.auditIndex)
        let afterEntries = try await store.events(matching: EventFilter(messageID: after.id), limit: 100)
        #expect(afterEntries.map(\.event.kind) == [.published, .routed])
        #expect(afterEntries.first?.index == afterReceipt.auditIndex)
        let bySubject = try await store.events(matching: EventFilter(subjectToken: "subject-token-a"), limit: 100)
        #expect(bySubject.map(\.index) == (beforeEntries + afterEntries).map(\.index).sorted())
        let status = try await store.messageStatus(id: before.id, sender: .hospitals, now: t0.addingTimeInterval(120))
        #expect(status?.deliveries.map(\.id) == [delivery])
        #expect(status?.deliveries.map(\.state) == [.acknowledged])
        #expect(status?.deliveries.map(\.dueBy) == [nil], "a delivery from before version 12 has no deadline")
        #expect(try await store.messageStatus(id: after.id, sender: .hospitals, now: t0)?.deliveries.map(\.id) == after.deliveries.map(\.id))
        #expect(try await store.isParty(to: before.id, agency: .csc))
        #expect(try await store.isParty(to: after.id, agency: .csc))
        #expect(try await sqlite3(path, "PRAGMA user_version").output.trimmingCharacters(in: .whitespacesAndNewlines) == "16")
        await store.close()
    }
}
