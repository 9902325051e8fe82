import Foundation
import ShareModel
import ShareStore
import ShareStoreConformance
import ShareStoreSQLite
import ShareTesting
import Testing

@Suite("SQLite store: durability")
struct SQLiteStoreDurabilityTests {
    // Everything committed is there after closing and reopening the file.
    @Test func survivesReopen() async throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("broker.sqlite").path
        let message = newMessage(recipients: [.csc, .police], expiresAt: t0 + 3600)

        let store = try SQLiteStore(configuration: .init(path: path))
        let receipt = try await publishStored(message, to: store)
        _ = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 1, visibilityTimeout: 30, maxAttempts: 10)
        _ = try await store.acknowledge(delivery: message.deliveries[0].id, by: .csc, at: t0 + 2)
        let events = try await allEvents(store)
        let status = try await store.messageStatus(id: message.id, sender: .hospitals, now: t0 + 3)
        await store.close()

        let reopened = try SQLiteStore(configuration: .init(path: path))
        #expect(try await allEvents(reopened) == events)
        #expect(try await reopened.messageStatus(id: message.id, sender: .hospitals, now: t0 + 3) == status)
        #expect(try await reopened.publish(message) == .replayed(receipt))
        let police = try await reopened.fetchInbox(for: .police, limit: 10, now: t0 + 4, visibilityTimeout: 30, maxAttempts: 10)
        #expect(police.map(\.jws) == [message.jws])
        await reopened.close()
    }

    // An acknowledgement may wait for another write to share its commit, but with nothing
    // else to write it is committed after its short patience, not held until one comes.
    @Test func acknowledgementAloneIsCommittedPromptly() async throws {
        try await withStore { store, path in
            let message = newMessage(recipients: [.csc, .police])
            _ = try await publishStored(message, to: store)
            let start = ContinuousClock.now
            let acknowledged = try await store.acknowledge(deliveries: [message.deliveries[0].id], by: .csc, at: t0 + 1)
            let waited = ContinuousClock.now - start
            #expect(acknowledged.map(\.isFirst) == [true])
            #expect(waited < TestLimits.scaled(.milliseconds(500)), "answered in \(waited), not held for company")
            let stored = try await sqlite3(path, "SELECT count(*) FROM deliveries WHERE acknowledged_at IS NOT NULL")
            #expect(stored.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "committed before it was answered")

            // Acknowledgements and publishes at once: each answered once its own commit is done.
            let others = (0..<20).map { _ in newMessage(recipients: [.csc]) }
            for other in others { _ = try await publishStored(other, to: store) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, other) in others.enumerated() {
                    group.addTask {
                        let answer = try await store.acknowledge(deliveries: [other.deliveries[0].id], by: .csc, at: t0 + 2)
                        #expect(answer.map(\.isFirst) == [true])
                    }
                    if index % 2 == 0 {
                        group.addTask { _ = try await publishStored(newMessage(recipients: [.police]), to: store) }
                    }
                }
                try await group.waitForAll()
            }
            let all = try await sqlite3(path, "SELECT count(*) FROM deliveries WHERE acknowledged_at IS NOT NULL")
            #expect(all.output.trimmingCharacters(in: .whitespacesAndNewlines) == "21")
        }
    }

    // The event record cannot be changed or shortened, even with SQL on the file itself.
    @Test func eventsAreAppendOnly() async throws {
        try await withStore { store, path in
            _ = try await publishStored(newMessage(recipients: [.csc, .police]), to: store)
            let before = try await allEvents(store)

            let update = try await sqlite3(path, "UPDATE events SET kind='x'")
            #expect(update.status != 0)
            #expect(update.error.contains("append-only"))
            let delete = try await sqlite3(path, "DELETE FROM events")
            #expect(delete.status != 0)
            #expect(delete.error.contains("append-only"))

            let kinds = try await sqlite3(path, "SELECT group_concat(kind, ',') FROM events")
            #expect(kinds.output.trimmingCharacters(in: .whitespacesAndNewlines) == "published,routed,routed")
            #expect(try await allEvents(store) == before)
        }
    }

    // A store file from a newer version is refused rather than misread.
    @Test func refusesNewerSchema() async throws {
        let folder = try makeTemporaryFolder()
        defer { removeTemporaryFolder(folder) }
        let path = folder.appendingPathComponent("broker.sqlite").path
        await (try SQLiteStore(configuration: .init(path: path))).close()
        #expect(try await sqlite3(path, "PRAGMA user_version = 99").status == 0)
        let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(configuration: .init(path: path)) }
        #expect(error?.code == .cannotOpen)
    }

    // A full store refuses the write as unavailable, and what was stored before stays whole.
    @Test func fullStoreFailsCleanly() async throws {
        try await withStore(maxSizeBytes: 160 * 1024) { store, _ in
            var stored: [NewMessage] = []
            var failure: StoreError?
            var failed: NewMessage?
            for number in 0..<64 {
                let message = newMessage(jws: Data(repeating: UInt8(ascii: "A") + UInt8(number % 26), count: 8 * 1024))
                do {
                    _ = try await publishStored(message, to: store)
                    stored.append(message)
                } catch let error as StoreError {
                    failure = error
                    failed = message
                    break
                }
            }
            let error = try #require(failure, "64 messages of 8 KiB fitted in 160 KiB")
            let lost = try #require(failed)
            #expect(error.code == .unavailable)
            #expect(!stored.isEmpty)

            #expect(try await store.messageStatus(id: lost.id, sender: .hospitals, now: t0) == nil)
            let events = try await allEvents(store)
            #expect(events.count == stored.count * 2)
            #expect(!events.contains { $0.event.messageID == lost.id })
            for message in stored {
                let status = try await store.messageStatus(id: message.id, sender: .hospitals, now: t0)
                #expect(status?.deliveries.map(\.id) == message.deliveries.map(\.id))
            }
        }
    }
}

@Suite("SQLite store: threads")
struct SQLiteStoreThreadTests {
    // An operator looking at `top -H` or a profile sees the store's two threads by name.
    @Test func namesItsThreads() async throws {
        try await withStore { _, _ in
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
            let names = tasks.compactMap { task in
                (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8))?
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            #expect(names.contains("sqlite-writer"))
            #expect(names.contains("sqlite-reader"))
        }
    }
}
