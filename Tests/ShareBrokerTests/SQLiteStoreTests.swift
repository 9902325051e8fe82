import Foundation
import ShareModel
import ShareStore
import ShareStoreSQLite
import Testing

@Suite("SQLite store: publishing")
struct SQLiteStorePublishTests {
    // A new message is stored; its receipt points at its own `published` event.
    @Test func publishStoresMessageAndEvents() async throws {
        try await withStore { store, _ in
            let first = newMessage(recipients: [.csc, .police])
            let receipt = try await publishStored(first, to: store)
            #expect(receipt == PublishReceipt(id: first.id, recipients: [.csc, .police], auditIndex: 0))
            let second = newMessage()
            let secondReceipt = try await publishStored(second, to: store)
            #expect(secondReceipt.auditIndex == 3)

            let events = try await allEvents(store)
            #expect(events.map(\.index) == [0, 1, 2, 3, 4])
            #expect(events.map(\.event) == first.events + second.events)
            #expect(events[secondReceipt.auditIndex].event.kind == .published)
            #expect(events[secondReceipt.auditIndex].event.messageID == second.id)
            for stored in events { #expect(stored.entry == stored.event.entryBytes()) }
        }
    }

    // Resending the same bytes answers with the first receipt and records nothing new.
    @Test func identicalResendIsReplayed() async throws {
        try await withStore { store, _ in
            let message = newMessage(recipients: [.csc, .police])
            _ = try await publishStored(newMessage(), to: store)
            let receipt = try await publishStored(message, to: store)
            let before = try await allEvents(store)
            #expect(try await store.publish(message) == .replayed(receipt))
            // The broker builds new delivery ids on a resend; they must not be stored either.
            let resend = newMessage(id: message.id, recipients: [.csc, .police], digest: message.digest,
                                    receivedAt: t0.addingTimeInterval(5))
            #expect(try await store.publish(resend) == .replayed(receipt))
            #expect(try await allEvents(store) == before)
            let status = try #require(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0))
            #expect(status.deliveries.map(\.id) == message.deliveries.map(\.id))
            #expect(status.receivedAt == t0)
        }
    }

    // Reusing an id for different bytes is a conflict and leaves the first message untouched.
    @Test func sameIDOtherDigestConflicts() async throws {
        try await withStore { store, _ in
            let message = newMessage(jws: Data("first".utf8))
            _ = try await publishStored(message, to: store)
            let before = try await allEvents(store)
            let other = newMessage(id: message.id, recipients: [.police], jws: Data("second".utf8))
            #expect(try await store.publish(other) == .conflict)
            #expect(try await allEvents(store) == before)
            let inbox = try await store.fetchInbox(for: .csc, limit: 10, now: t0, visibilityTimeout: 30, maxAttempts: 10)
            #expect(inbox.map(\.jws) == [Data("first".utf8)])
            #expect(try await store.fetchInbox(for: .police, limit: 10, now: t0, visibilityTimeout: 30, maxAttempts: 10).isEmpty)
        }
    }

    // Concurrent publishes all commit, and the event record has no gaps or interleaving.
    @Test func concurrentPublishesGetContiguousIndexes() async throws {
        try await withStore { store, _ in
            let messages = (0..<50).map { _ in newMessage() }
            let receipts = try await withThrowingTaskGroup(of: PublishOutcome.self) { group in
                for message in messages { group.addTask { try await store.publish(message) } }
                var receipts: [PublishReceipt] = []
                for try await outcome in group { receipts.append(try #require(outcome.storedReceipt)) }
                return receipts
            }
            #expect(receipts.count == 50)
            #expect(Set(receipts.map(\.id)) == Set(messages.map(\.id)))
            #expect(receipts.map(\.auditIndex).sorted() == Array(stride(from: 0, to: 100, by: 2)))
            let events = try await allEvents(store)
            #expect(events.map(\.index) == Array(0..<100))
            for receipt in receipts {
                let published = events[receipt.auditIndex].event
                let routed = events[receipt.auditIndex + 1].event
                #expect(published.kind == .published && published.messageID == receipt.id)
                #expect(routed.kind == .routed && routed.messageID == receipt.id)
            }
        }
    }

    // Events recorded from outside (suspensions) are appended after the existing ones.
    @Test func recordAppendsEvents() async throws {
        try await withStore { store, _ in
            _ = try await publishStored(newMessage(), to: store)
            let suspended = EventRecord(kind: .agencySuspended, at: t0, agency: .police)
            let reinstated = EventRecord(kind: .agencyReinstated, at: t0.addingTimeInterval(60), agency: .police)
            try await store.record([suspended, reinstated])
            let events = try await allEvents(store)
            #expect(events.map(\.index) == [0, 1, 2, 3])
            #expect(events.suffix(2).map(\.event) == [suspended, reinstated])
            #expect(try await store.events(from: 3, limit: 10).map(\.event) == [reinstated])
            #expect(try await store.events(from: 1, limit: 2).map(\.index) == [1, 2])
        }
    }
}

@Suite("SQLite store: inbox and acknowledgement")
struct SQLiteStoreInboxTests {
    // Deliveries come oldest first, are hidden while being worked on, and come back with a higher attempt.
    @Test func fetchOrderVisibilityAndAttempts() async throws {
        try await withStore { store, _ in
            let messages = (0..<3).map { newMessage(receivedAt: t0.addingTimeInterval(Double($0))) }
            for message in messages { _ = try await publishStored(message, to: store) }
            let ids = messages.map { $0.deliveries[0].id }

            let first = try await store.fetchInbox(for: .csc, limit: 2, now: t0 + 10, visibilityTimeout: 30, maxAttempts: 10)
            #expect(first.map(\.id) == [ids[0], ids[1]])
            #expect(first.map(\.attempt) == [1, 1])
            #expect(first.map(\.messageID) == [messages[0].id, messages[1].id])
            #expect(first.allSatisfy { $0.deliveredAt == t0 + 10 && $0.sender == .hospitals })
            #expect(first.map(\.createdAt) == [t0, t0 + 1])

            let second = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 11, visibilityTimeout: 30, maxAttempts: 10)
            #expect(second.map(\.id) == [ids[2]])
            #expect(try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 39, visibilityTimeout: 30, maxAttempts: 10).isEmpty)
            #expect(try await store.fetchInbox(for: .police, limit: 10, now: t0 + 100, visibilityTimeout: 30, maxAttempts: 10).isEmpty)

            let again = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 40.5, visibilityTimeout: 30, maxAttempts: 10)
            #expect(again.map(\.id) == [ids[0], ids[1]])
            #expect(again.map(\.attempt) == [2, 2])
            let last = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 100, visibilityTimeout: 30, maxAttempts: 10)
            #expect(last.map(\.id) == ids)
            #expect(last.map(\.attempt) == [3, 3, 2])
        }
    }

    // Each hand-out is recorded as a `delivered` event naming the recipient, delivery and attempt.
    @Test func fetchRecordsDeliveredEvents() async throws {
        try await withStore { store, _ in
            let message = newMessage()
            _ = try await publishStored(message, to: store)
            _ = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 10, visibilityTimeout: 30, maxAttempts: 10)
            _ = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 50, visibilityTimeout: 30, maxAttempts: 10)
            _ = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 55, visibilityTimeout: 30, maxAttempts: 10)  // nothing visible
            let delivered = try await allEvents(store).map(\.event).filter { $0.kind == .delivered }
            #expect(delivered == [
                EventRecord(kind: .delivered, at: t0 + 10, agency: .csc, messageID: message.id,
                            deliveryID: message.deliveries[0].id, attempt: 1),
                EventRecord(kind: .delivered, at: t0 + 50, agency: .csc, messageID: message.id,
                            deliveryID: message.deliveries[0].id, attempt: 2),
            ])
        }
    }

    // Expired deliveries (expiresAt <= now) are never handed out; unexpired ones are.
    @Test func skipsExpired() async throws {
        try await withStore { store, _ in
            let expiring = newMessage(recipients: [.csc, .police], expiresAt: t0 + 60)
            let lasting = newMessage(recipients: [.csc], receivedAt: t0 + 1)
            _ = try await publishStored(expiring, to: store)
            _ = try await publishStored(lasting, to: store)
            let police = try await store.fetchInbox(for: .police, limit: 10, now: t0 + 59.999, visibilityTimeout: 30, maxAttempts: 10)
            #expect(police.map(\.messageID) == [expiring.id])
            #expect(police.first?.expiresAt == t0 + 60)
            let csc = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 60, visibilityTimeout: 30, maxAttempts: 10)
            #expect(csc.map(\.messageID) == [lasting.id])
        }
    }

    // Acknowledged deliveries never come back, whether or not they were fetched first.
    @Test func skipsAcknowledged() async throws {
        try await withStore { store, _ in
            let fetched = newMessage()
            let unfetched = newMessage(receivedAt: t0 + 1)
            let open = newMessage(receivedAt: t0 + 2)
            for message in [fetched, unfetched, open] { _ = try await publishStored(message, to: store) }
            _ = try await store.fetchInbox(for: .csc, limit: 1, now: t0 + 5, visibilityTimeout: 30, maxAttempts: 10)
            #expect(try await store.acknowledge(delivery: fetched.deliveries[0].id, by: .csc, at: t0 + 6)?.isFirst == true)
            #expect(try await store.acknowledge(delivery: unfetched.deliveries[0].id, by: .csc, at: t0 + 6)?.isFirst == true)
            let later = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 1000, visibilityTimeout: 30, maxAttempts: 10)
            #expect(later.map(\.messageID) == [open.id])
        }
    }

    // A stream hand-out follows the sequence, ignores visibility, skips acknowledged and expired
    // deliveries, and counts as delivered exactly as an inbox fetch does, except that one still
    // hidden from its last hand-out is sent again under the same attempt.
    @Test func streamDeliveriesAfterSequence() async throws {
        try await withStore { store, _ in
            let messages = (0..<4).map { newMessage(receivedAt: t0.addingTimeInterval(Double($0))) }
            let expiring = newMessage(receivedAt: t0 + 4, expiresAt: t0 + 20)
            for message in messages + [expiring] { _ = try await publishStored(message, to: store) }
            _ = try await publishStored(newMessage(recipients: [.police], receivedAt: t0 + 5), to: store)
            _ = try await store.fetchInbox(for: .csc, limit: 1, now: t0 + 10, visibilityTimeout: 30, maxAttempts: 10)
            _ = try await store.acknowledge(delivery: messages[1].deliveries[0].id, by: .csc, at: t0 + 10)

            let all = try await store.streamDeliveries(for: .csc, after: 0, limit: 10, now: t0 + 11, visibilityTimeout: 30, maxAttempts: 10)
            #expect(all.map(\.messageID) == [messages[0].id, messages[2].id, messages[3].id, expiring.id],
                    "a delivery out on an inbox fetch is streamed too; an acknowledged one is not")
            #expect(all.map(\.attempt) == [1, 1, 1, 1], "the one out on an inbox fetch is still hidden: no new attempt")
            #expect(all.map(\.sequence) == all.map(\.sequence).sorted())
            #expect(try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 12, visibilityTimeout: 30, maxAttempts: 10).isEmpty,
                    "streamed deliveries are hidden from the inbox for the visibility timeout")

            let rest = try await store.streamDeliveries(for: .csc, after: all[1].sequence, limit: 10, now: t0 + 20,
                                                        visibilityTimeout: 30, maxAttempts: 10)
            #expect(rest.map(\.messageID) == [messages[3].id], "after the given sequence, without the expired one")
            #expect(try await store.streamDeliveries(for: .csc, after: all[0].sequence, limit: 1, now: t0 + 21,
                                                     visibilityTimeout: 30, maxAttempts: 10).map(\.messageID) == [messages[2].id])
            let delivered = try await allEvents(store).map(\.event).filter { $0.kind == .delivered }
            #expect(delivered.count == 7, "one `delivered` event per hand-out: 1 fetched, 4 + 1 + 1 streamed")
        }
    }

    // Only the recipient can acknowledge; a second acknowledgement reports the first time.
    @Test func acknowledgeByRecipientOnly() async throws {
        try await withStore { store, _ in
            let message = newMessage()
            _ = try await publishStored(message, to: store)
            let delivery = message.deliveries[0].id
            #expect(try await store.acknowledge(delivery: delivery, by: .police, at: t0 + 5) == nil)
            #expect(try await store.acknowledge(delivery: delivery, by: .hospitals, at: t0 + 5) == nil)
            #expect(try await store.acknowledge(delivery: UUID(), by: .csc, at: t0 + 5) == nil)

            let first = try await store.acknowledge(delivery: delivery, by: .csc, at: t0 + 10)
            #expect(first == Acknowledgement(deliveryID: delivery, acknowledgedAt: t0 + 10, isFirst: true))
            let second = try await store.acknowledge(delivery: delivery, by: .csc, at: t0 + 20)
            #expect(second == Acknowledgement(deliveryID: delivery, acknowledgedAt: t0 + 10, isFirst: false))

            let acknowledged = try await allEvents(store).map(\.event).filter { $0.kind == .acknowledged }
            #expect(acknowledged == [EventRecord(kind: .acknowledged, at: t0 + 10, agency: .csc,
                                                 messageID: message.id, deliveryID: delivery)])
        }
    }
}

@Suite("SQLite store: status")
struct SQLiteStoreStatusTests {
    // A message's status is shown to its sender only.
    @Test func statusOnlyForSender() async throws {
        try await withStore { store, _ in
            let message = newMessage()
            _ = try await publishStored(message, to: store)
            #expect(try await store.messageStatus(id: message.id, sender: .csc, now: t0) == nil)
            #expect(try await store.messageStatus(id: message.id, sender: .police, now: t0) == nil)
            #expect(try await store.messageStatus(id: UUID(), sender: .hospitals, now: t0) == nil)
            let status = try #require(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0))
            #expect(status.id == message.id && status.sender == .hospitals)
            #expect(status.type == "unborn-baby-referral/1")
            #expect(status.receivedAt == t0 && status.expiresAt == nil)
        }
    }

    // Each delivery moves pending -> delivered -> acknowledged, with counts and times.
    @Test func statusFollowsDelivery() async throws {
        try await withStore { store, _ in
            let message = newMessage(recipients: [.csc, .police])
            _ = try await publishStored(message, to: store)
            let cscID = message.deliveries[0].id

            var status = try #require(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0))
            #expect(status.deliveries.map(\.recipient) == [.csc, .police])
            #expect(status.deliveries.map(\.state) == [.pending, .pending])
            #expect(status.deliveries.map(\.attempts) == [0, 0])
            #expect(status.deliveries.allSatisfy { $0.firstDeliveredAt == nil && $0.createdAt == t0 })

            _ = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 10, visibilityTimeout: 30, maxAttempts: 10)
            _ = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 45, visibilityTimeout: 30, maxAttempts: 10)
            status = try #require(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0 + 46))
            let csc = try #require(status.deliveries.first { $0.id == cscID })
            #expect(csc.state == .delivered && csc.attempts == 2)
            #expect(csc.firstDeliveredAt == t0 + 10 && csc.lastDeliveredAt == t0 + 45 && csc.acknowledgedAt == nil)
            #expect(status.deliveries[1].state == .pending)

            _ = try await store.acknowledge(delivery: cscID, by: .csc, at: t0 + 50)
            status = try #require(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0 + 51))
            #expect(status.deliveries.map(\.state) == [.acknowledged, .pending])
            #expect(status.deliveries[0].acknowledgedAt == t0 + 50)
        }
    }

    // A status query does not freeze later reads: what is committed after it is seen.
    @Test func readsSeeWritesAfterStatus() async throws {
        try await withStore { store, _ in
            let first = newMessage()
            _ = try await publishStored(first, to: store)
            #expect(try await store.messageStatus(id: first.id, sender: .hospitals, now: t0) != nil)
            let second = newMessage(receivedAt: t0 + 1)
            _ = try await publishStored(second, to: store)
            #expect(try await store.messageStatus(id: second.id, sender: .hospitals, now: t0 + 2) != nil)
            #expect(try await allEvents(store).count == 4)
        }
    }

    // Past its expiry an unacknowledged delivery shows as expired; an acknowledged one stays acknowledged.
    @Test func statusShowsExpiry() async throws {
        try await withStore { store, _ in
            let message = newMessage(recipients: [.csc, .police], expiresAt: t0 + 60)
            _ = try await publishStored(message, to: store)
            _ = try await store.acknowledge(delivery: message.deliveries[0].id, by: .csc, at: t0 + 10)
            let before = try #require(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0 + 59))
            #expect(before.deliveries.map(\.state) == [.acknowledged, .pending])
            #expect(before.expiresAt == t0 + 60)
            let after = try #require(try await store.messageStatus(id: message.id, sender: .hospitals, now: t0 + 60))
            #expect(after.deliveries.map(\.state) == [.acknowledged, .expired])
        }
    }
}

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

    // The event record cannot be changed or shortened, even with SQL on the file itself.
    @Test func eventsAreAppendOnly() async throws {
        try await withStore { store, path in
            _ = try await publishStored(newMessage(recipients: [.csc, .police]), to: store)
            let before = try await allEvents(store)

            let update = try sqlite3(path, "UPDATE events SET kind='x'")
            #expect(update.status != 0)
            #expect(update.error.contains("append-only"))
            let delete = try sqlite3(path, "DELETE FROM events")
            #expect(delete.status != 0)
            #expect(delete.error.contains("append-only"))

            let kinds = try sqlite3(path, "SELECT group_concat(kind, ',') FROM events")
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
        #expect(try sqlite3(path, "PRAGMA user_version = 99").status == 0)
        let error = #expect(throws: StoreError.self) { _ = try SQLiteStore(configuration: .init(path: path)) }
        #expect(error?.code == .cannotOpen)
    }

    // A full store refuses the write as unavailable, and what was stored before stays whole.
    @Test func fullStoreFailsCleanly() async throws {
        try await withStore(maxSizeBytes: 128 * 1024) { store, _ in
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
            let error = try #require(failure, "64 messages of 8 KiB fitted in 128 KiB")
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
