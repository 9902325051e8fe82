import Foundation
import ShareModel
import ShareStore
import Testing

/// `fetchInbox`: order, visibility, attempts and what is never handed out.
enum InboxChecks {
    static let all = [
        StoreCheck("fetchInbox hands out oldest first up to the limit, hides them for the visibility timeout, then again with the next attempt",
                   orderVisibilityAndAttempts),
        StoreCheck("fetchInbox records each hand-out as a delivered event naming the recipient, delivery and attempt", recordsDelivered),
        StoreCheck("fetchInbox never hands out a delivery once its message has expired", skipsExpired),
        StoreCheck("fetchInbox never hands out an acknowledged delivery, fetched before or not", skipsAcknowledged),
        StoreCheck("fetchInbox hands a delivery out at most maxAttempts times", stopsAtMaxAttempts),
    ]

    static func orderVisibilityAndAttempts(_ store: any Store) async throws {
        let messages = (0..<3).map { newMessage(receivedAt: t0 + Double($0)) }
        for message in messages { try await publishStored(message, to: store) }
        let ids = messages.map { $0.deliveries[0].id }

        let first = try await store.fetch(.csc, at: t0 + 10, limit: 2)
        #expect(first.map(\.id) == [ids[0], ids[1]])
        #expect(first.map(\.attempt) == [1, 1])
        #expect(first.map(\.messageID) == [messages[0].id, messages[1].id])
        #expect(first.allSatisfy { $0.deliveredAt == t0 + 10 && $0.sender == .hospitals && $0.jws == messages[0].jws })
        #expect(first.map(\.createdAt) == [t0, t0 + 1])
        #expect(first.map(\.sequence) == first.map(\.sequence).sorted() && first[0].sequence < first[1].sequence)

        #expect(try await store.fetch(.csc, at: t0 + 11).map(\.id) == [ids[2]])
        #expect(try await store.fetch(.csc, at: t0 + 39).isEmpty)
        #expect(try await store.fetch(.police, at: t0 + 100).isEmpty)

        let again = try await store.fetch(.csc, at: t0 + 40)
        #expect(again.map(\.id) == [ids[0], ids[1]], "visible again when the visibility timeout is reached")
        #expect(again.map(\.attempt) == [2, 2])
        let last = try await store.fetch(.csc, at: t0 + 100)
        #expect(last.map(\.id) == ids)
        #expect(last.map(\.attempt) == [3, 3, 2])
    }

    static func recordsDelivered(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        _ = try await store.fetch(.csc, at: t0 + 10)
        _ = try await store.fetch(.csc, at: t0 + 50)
        _ = try await store.fetch(.csc, at: t0 + 55)  // nothing visible
        #expect(try await store.recorded(.delivered) == [
            EventRecord(kind: .delivered, at: t0 + 10, agency: .csc, messageID: message.id,
                        deliveryID: message.deliveries[0].id, attempt: 1),
            EventRecord(kind: .delivered, at: t0 + 50, agency: .csc, messageID: message.id,
                        deliveryID: message.deliveries[0].id, attempt: 2),
        ])
    }

    static func skipsExpired(_ store: any Store) async throws {
        let expiring = newMessage(recipients: [.csc, .police], expiresAt: t0 + 60)
        let lasting = newMessage(recipients: [.csc], receivedAt: t0 + 1)
        try await publishStored(expiring, to: store)
        try await publishStored(lasting, to: store)
        let police = try await store.fetch(.police, at: t0 + 59.999)
        #expect(police.map(\.messageID) == [expiring.id])
        #expect(police.first?.expiresAt == t0 + 60)
        #expect(try await store.fetch(.csc, at: t0 + 60).map(\.messageID) == [lasting.id])
        #expect(try await store.fetch(.police, at: t0 + 1000).isEmpty)
    }

    static func skipsAcknowledged(_ store: any Store) async throws {
        let fetched = newMessage()
        let unfetched = newMessage(receivedAt: t0 + 1)
        let open = newMessage(receivedAt: t0 + 2)
        for message in [fetched, unfetched, open] { try await publishStored(message, to: store) }
        _ = try await store.fetch(.csc, at: t0 + 5, limit: 1)
        #expect(try await store.acknowledge(delivery: fetched.deliveries[0].id, by: .csc, at: t0 + 6)?.isFirst == true)
        #expect(try await store.acknowledge(delivery: unfetched.deliveries[0].id, by: .csc, at: t0 + 6)?.isFirst == true)
        #expect(try await store.fetch(.csc, at: t0 + 1000).map(\.messageID) == [open.id])
    }

    static func stopsAtMaxAttempts(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        for (attempt, time) in [(1, t0 + 1), (2, t0 + 31), (3, t0 + 61)] {
            #expect(try await store.fetch(.csc, at: time, maxAttempts: 3).map(\.attempt) == [attempt])
        }
        #expect(try await store.fetch(.csc, at: t0 + 1000, maxAttempts: 3).isEmpty)
        #expect(try await store.fetch(.csc, at: t0 + 1000, maxAttempts: 4).map(\.attempt) == [4],
                "the count is the store's, the most attempts the caller's")
    }
}
