import Foundation
import ShareModel
import ShareStore
import Testing

/// `publish` and `replayedReceipt`: new messages, identical resends, taken ids, batches.
enum PublishChecks {
    static let all = [
        StoreCheck("publish stores a new message with its events in order; its receipt names its recipients and its published entry",
                   storesNewMessage),
        StoreCheck("publish answers an identical resend with the first receipt and stores nothing of it", replaysIdenticalResend),
        StoreCheck("publish answers an id taken by other bytes as a conflict and keeps the first message", refusesTakenID),
        StoreCheck("publish stores a batch in order, entries contiguous, a repeated id answered as a replay or a conflict",
                   storesBatchInOrder),
        StoreCheck("publish that throws (a delivery id taken) stores nothing of its batch and holds up no other publish",
                   failedBatchStoresNothing),
        StoreCheck("replayedReceipt answers the first receipt for the same bytes only", replayedReceipt),
        StoreCheck("publish stores a delivery handed out to streams as delivered once, hidden until its time", handedOutAtPublish),
        StoreCheck("publish stores a message with no deliveries (a record): its sender alone reads it, nobody's inbox gets it",
                   storesRecordWithoutDeliveries),
    ]

    /// A decision not to share is stored as a message with no deliveries.
    static func storesRecordWithoutDeliveries(_ store: any Store) async throws {
        let record = newMessage(recipients: [])
        #expect(try await publishStored(record, to: store) == PublishReceipt(id: record.id, recipients: [], auditIndex: 0))
        #expect(try await allEvents(store).map(\.event) == record.events)
        #expect(try await store.publish(record) == .replayed(PublishReceipt(id: record.id, recipients: [], auditIndex: 0)))
        let status = try #require(try await store.status(of: record, at: t0))
        #expect(status.deliveries.isEmpty && status.type == record.type)
        #expect(try await store.messageStatus(id: record.id, sender: .csc, now: t0) == nil)
        #expect(try await store.isParty(to: record.id, agency: .hospitals))
        #expect(try await !store.isParty(to: record.id, agency: .csc))
        #expect(try await store.retrieve(message: record.id, by: .hospitals, at: t0 + 1)?.jws == record.jws)
        #expect(try await store.retrieve(message: record.id, by: .csc, at: t0 + 1) == nil)
        for agency in [AgencyID.csc, .police, .hospitals] {
            #expect(try await store.fetch(agency, at: t0 + 60).isEmpty)
        }
        #expect(try await store.unsettledDeliveryCount() == 0)
    }

    static func storesNewMessage(_ store: any Store) async throws {
        let first = newMessage(recipients: [.csc, .police])
        let receipt = try await publishStored(first, to: store)
        #expect(receipt == PublishReceipt(id: first.id, recipients: [.csc, .police], auditIndex: 0))
        let second = newMessage()
        #expect(try await publishStored(second, to: store).auditIndex == 3)

        let events = try await allEvents(store)
        #expect(events.map(\.index) == [0, 1, 2, 3, 4])
        #expect(events.map(\.event) == first.events + second.events)
        for stored in events { #expect(stored.entry == stored.event.entryBytes()) }
    }

    static func replaysIdenticalResend(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police])
        try await publishStored(newMessage(), to: store)
        let receipt = try await publishStored(message, to: store)
        let before = try await allEvents(store)
        #expect(try await store.publish(message) == .replayed(receipt))
        // The broker builds new delivery ids on a resend; they must not be stored either.
        let resend = newMessage(id: message.id, recipients: [.csc, .police], digest: message.digest, receivedAt: t0 + 5)
        #expect(try await store.publish(resend) == .replayed(receipt))
        #expect(try await allEvents(store) == before)
        let status = try #require(try await store.status(of: message, at: t0))
        #expect(status.deliveries.map(\.id) == message.deliveries.map(\.id))
        #expect(status.receivedAt == t0)
    }

    static func refusesTakenID(_ store: any Store) async throws {
        let message = newMessage(jws: Data("first".utf8))
        try await publishStored(message, to: store)
        let before = try await allEvents(store)
        let other = newMessage(id: message.id, recipients: [.police], jws: Data("second".utf8))
        #expect(try await store.publish(other) == .conflict)
        #expect(try await allEvents(store) == before)
        #expect(try await store.fetch(.csc, at: t0).map(\.jws) == [Data("first".utf8)])
        #expect(try await store.fetch(.police, at: t0).isEmpty)
    }

    static func storesBatchInOrder(_ store: any Store) async throws {
        let first = newMessage(recipients: [.csc, .police])
        let second = newMessage(recipients: [.police])
        let resend = newMessage(id: first.id, recipients: [.csc, .police], digest: first.digest)
        let taken = newMessage(id: second.id, jws: Data("other bytes".utf8))
        let firstReceipt = PublishReceipt(id: first.id, recipients: [.csc, .police], auditIndex: 0)
        let outcomes = try await store.publish([first, second, resend, taken])
        #expect(outcomes == [
            .stored(firstReceipt), .stored(PublishReceipt(id: second.id, recipients: [.police], auditIndex: 3)),
            .replayed(firstReceipt), .conflict,
        ])
        #expect(try await allEvents(store).map(\.event) == first.events + second.events)
        #expect(try await store.fetch(.police, at: t0).map(\.messageID) == [first.id, second.id])
        #expect(try await store.fetch(.csc, at: t0).map(\.id) == [first.deliveries[0].id])
    }

    static func failedBatchStoresNothing(_ store: any Store) async throws {
        let stored = newMessage()
        try await publishStored(stored, to: store)
        let fresh = newMessage(receivedAt: t0 + 1)
        let reusing = newMessage(recipients: [.police], deliveryIDs: stored.deliveries.map(\.id), receivedAt: t0 + 1)
        let others = (0..<8).map { _ in newMessage(recipients: [.police], receivedAt: t0 + 2) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await #expect(throws: (any Error).self, "a delivery id already stored") {
                    _ = try await store.publish([fresh, reusing])
                }
            }
            for other in others { group.addTask { try await publishStored(other, to: store) } }
            try await group.waitForAll()
        }
        #expect(try await store.status(of: fresh, at: t0 + 3) == nil)
        #expect(try await store.status(of: reusing, at: t0 + 3) == nil)
        let events = try await allEvents(store)
        #expect(!events.contains { [fresh.id, reusing.id].contains($0.event.messageID) })
        #expect(events.count == stored.events.count + others.count * 2)
        #expect(try await store.fetch(.csc, at: t0 + 3).map(\.messageID) == [stored.id])
        #expect(Set(try await store.fetch(.police, at: t0 + 3).map(\.messageID)) == Set(others.map(\.id)))
    }

    static func replayedReceipt(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police])
        #expect(try await store.replayedReceipt(of: message.id, digest: message.digest) == nil)
        let receipt = try await publishStored(message, to: store)
        #expect(try await store.replayedReceipt(of: message.id, digest: message.digest) == receipt)
        #expect(try await store.replayedReceipt(of: message.id, digest: Data("other bytes".utf8)) == nil)
        #expect(try await store.replayedReceipt(of: UUID(), digest: message.digest) == nil)
    }

    static func handedOutAtPublish(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police], handedOutUntil: [.csc: t0 + 30])
        try await publishStored(message, to: store)
        let status = try #require(try await store.status(of: message, at: t0 + 1))
        #expect(status.deliveries.map(\.state) == [.delivered, .pending])
        #expect(status.deliveries.map(\.attempts) == [1, 0])
        #expect(status.deliveries[0].firstDeliveredAt == t0 && status.deliveries[0].lastDeliveredAt == t0)
        #expect(try await store.fetch(.csc, at: t0 + 29.999).isEmpty, "hidden until its time")
        #expect(try await store.fetch(.csc, at: t0 + 30).map(\.attempt) == [2])
        #expect(try await store.recorded(.delivered).map(\.attempt) == [1, 2])
    }
}
