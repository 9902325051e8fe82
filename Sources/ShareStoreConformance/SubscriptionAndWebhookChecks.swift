import Foundation
import ShareModel
import ShareStore
import Testing

/// Subscriptions, webhook endpoints and `deferDelivery` (a webhook retry's backoff).
enum SubscriptionAndWebhookChecks {
    static let all = [
        StoreCheck("subscriptions are listed in the order added and removed only by their agency, each change recorded",
                   subscriptions),
        StoreCheck("addSubscription with a taken id throws and records nothing", takenSubscriptionID),
        StoreCheck("setWebhook sets, replaces and removes an agency's endpoint, each change recorded", webhooks),
        StoreCheck("deferDelivery hides a delivery until its time without counting an attempt; the timers wait too",
                   deferDelivery),
    ]

    static func subscriptions(_ store: any Store) async throws {
        let first = subscription(for: .csc, filters: [SubscriptionFilter(pointer: "/payload/urgency", values: ["urgent"])])
        let second = subscription(for: .police, at: t0 + 1)
        try await store.addSubscription(first, event: event(.subscriptionCreated, first, at: t0))
        try await store.addSubscription(second, event: event(.subscriptionCreated, second, at: t0 + 1))
        #expect(try await store.subscriptions() == [first, second])

        #expect(try await !store.removeSubscription(id: first.id, agency: .police, event: event(.subscriptionRemoved, first, at: t0 + 2)))
        #expect(try await !store.removeSubscription(id: UUID(), agency: .csc, event: event(.subscriptionRemoved, first, at: t0 + 2)))
        #expect(try await store.subscriptions() == [first, second])
        #expect(try await store.removeSubscription(id: first.id, agency: .csc, event: event(.subscriptionRemoved, first, at: t0 + 3)))
        #expect(try await store.subscriptions() == [second])
        #expect(try await allEvents(store).map(\.event) == [
            event(.subscriptionCreated, first, at: t0), event(.subscriptionCreated, second, at: t0 + 1),
            event(.subscriptionRemoved, first, at: t0 + 3),
        ])
    }

    static func takenSubscriptionID(_ store: any Store) async throws {
        let first = subscription(for: .csc)
        try await store.addSubscription(first, event: event(.subscriptionCreated, first, at: t0))
        let before = try await allEvents(store)
        let taken = Subscription(id: first.id, agency: .police, types: first.types, areas: first.areas, filters: [], createdAt: t0 + 1)
        await #expect(throws: (any Error).self) {
            try await store.addSubscription(taken, event: event(.subscriptionCreated, taken, at: t0 + 1))
        }
        #expect(try await allEvents(store) == before)
        #expect(try await store.subscriptions() == [first])
    }

    static func webhooks(_ store: any Store) async throws {
        let registered = { (agency: AgencyID, time: Date) in EventRecord(kind: .webhookRegistered, at: time, agency: agency) }
        try await store.setWebhook("https://csc.example/hook", for: .csc, at: t0, event: registered(.csc, t0))
        try await store.setWebhook("https://police.example/hook", for: .police, at: t0 + 1, event: registered(.police, t0 + 1))
        try await store.setWebhook("https://csc.example/new", for: .csc, at: t0 + 2, event: registered(.csc, t0 + 2))
        #expect(try await store.webhooks() == [.csc: "https://csc.example/new", .police: "https://police.example/hook"])
        let removed = EventRecord(kind: .webhookRemoved, at: t0 + 3, agency: .police)
        try await store.setWebhook(nil, for: .police, at: t0 + 3, event: removed)
        #expect(try await store.webhooks() == [.csc: "https://csc.example/new"])
        #expect(try await allEvents(store).map(\.event) == [registered(.csc, t0), registered(.police, t0 + 1), registered(.csc, t0 + 2), removed])
    }

    static func deferDelivery(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        let delivery = message.deliveries[0].id
        #expect(try await store.fetch(.csc, at: t0 + 1).map(\.attempt) == [1])
        try await store.deferDelivery(delivery, until: t0 + 100)
        #expect(try await store.fetch(.csc, at: t0 + 99).isEmpty)
        #expect(try await store.fetch(.csc, at: t0 + 100).map(\.attempt) == [2], "no attempt counted for the deferral")

        try await store.deferDelivery(delivery, until: t0 + 200)
        #expect(try await store.dueWork(now: t0 + 199, maxAttempts: 2, limit: 10).exhausted.isEmpty)
        #expect(try await store.dueWork(now: t0 + 200, maxAttempts: 2, limit: 10).exhausted.map(\.id) == [delivery])
        try await store.deferDelivery(UUID(), until: t0 + 300)
    }

    private static func subscription(for agency: AgencyID, at time: Date = t0, filters: [SubscriptionFilter] = []) -> Subscription {
        Subscription(id: UUID(), agency: agency, types: ["unborn-baby-referral/1"], areas: ["E99999999"], filters: filters,
                     createdAt: time)
    }

    private static func event(_ kind: EventRecord.Kind, _ subscription: Subscription, at time: Date) -> EventRecord {
        EventRecord(kind: kind, at: time, agency: subscription.agency, subscriptionID: subscription.id)
    }
}
