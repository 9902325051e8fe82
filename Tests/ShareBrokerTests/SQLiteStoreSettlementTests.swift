import Foundation
import ShareModel
import ShareStore
import ShareStoreSQLite
import Testing

/// Dead-lettering after the last attempt, and reading a message again, at the store.
@Suite("SQLite store: dead letters and reading again")
struct SQLiteStoreSettlementTests {
    // The timers read due work, then settle it: an acknowledgement in between must win.
    @Test("dead-lettering changes nothing and stores no notice when a delivery was acknowledged meanwhile")
    func deadLetterYieldsToAcknowledgement() async throws {
        try await withStore { store, _ in
            let message = newMessage()
            try await publishStored(message, to: store)
            let delivery = message.deliveries[0].id
            _ = try await store.acknowledge(delivery: delivery, by: .csc, at: t0 + 1)
            let notice = newMessage(sender: .broker, recipients: [.hospitals], receivedAt: t0 + 2)
            let dead = EventRecord(kind: .deadLettered, at: t0 + 2, agency: .csc, messageID: message.id, deliveryID: delivery, attempt: 10)
            let settled = try await store.deadLetter(deliveries: [delivery], at: t0 + 2, events: [dead], notice: notice)
            #expect(!settled)
            #expect(try await allEvents(store).map(\.event.kind).filter { $0 == .deadLettered }.isEmpty)
            #expect(try await store.fetchInbox(for: .hospitals, limit: 10, now: t0 + 3, visibilityTimeout: 30, maxAttempts: 10).isEmpty,
                    "no notice stored")
        }
    }

    @Test("dead-lettering stores the deliveries' state, the events and the notice together")
    func deadLetterWithNotice() async throws {
        try await withStore { store, _ in
            let message = newMessage()
            try await publishStored(message, to: store)
            let delivery = message.deliveries[0].id
            let notice = newMessage(sender: .broker, recipients: [.hospitals], receivedAt: t0 + 2)
            let dead = EventRecord(kind: .deadLettered, at: t0 + 2, agency: .csc, messageID: message.id, deliveryID: delivery, attempt: 10)
            #expect(try await store.deadLetter(deliveries: [delivery], at: t0 + 2, events: [dead], notice: notice))
            let status = try await store.messageStatus(id: message.id, sender: .hospitals, now: t0 + 3)
            #expect(status?.deliveries.map(\.state) == [.deadLettered])
            let told = try await store.fetchInbox(for: .hospitals, limit: 10, now: t0 + 3, visibilityTimeout: 30, maxAttempts: 10)
            #expect(told.map(\.messageID) == [notice.id])
        }
    }

    @Test("a message is read again by its sender and by a recipient once delivered, each read recorded; nobody else")
    func retrieve() async throws {
        try await withStore { store, _ in
            let message = newMessage()
            try await publishStored(message, to: store)
            #expect(try await store.retrieve(message: message.id, by: .csc, at: t0 + 1) == nil, "not yet delivered")
            _ = try await store.fetchInbox(for: .csc, limit: 10, now: t0 + 1, visibilityTimeout: 30, maxAttempts: 10)
            #expect(try await store.retrieve(message: message.id, by: .csc, at: t0 + 2)?.jws == message.jws)
            #expect(try await store.retrieve(message: message.id, by: .hospitals, at: t0 + 3)?.sender == .hospitals)
            #expect(try await store.retrieve(message: message.id, by: .police, at: t0 + 4) == nil)
            #expect(try await store.retrieve(message: UUID(), by: .hospitals, at: t0 + 5) == nil)
            let reads = try await allEvents(store).map(\.event).filter { $0.kind == .retrieved }
            #expect(reads.map(\.agency) == [.csc, .hospitals])
            #expect(reads.first?.deliveryID == message.deliveries[0].id)
        }
    }
}
