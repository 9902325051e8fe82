import Foundation
import ShareModel
import ShareStore
import Testing

/// The timers' work: `dueWork`, `settleExpiry`, `settleDeadline` and `deadLetter`.
enum TimerChecks {
    static let all = [
        StoreCheck("dueWork finds expired messages, earliest first, with their deliveries never acknowledged", dueExpired),
        StoreCheck("an expiry leaves out deliveries dead-lettered already, so nobody is told twice of one failure", dueExpiredAfterDeadLetter),
        StoreCheck("dueWork finds overdue requests with every recipient and each agency that answered", dueOverdue),
        StoreCheck("dueWork finds deliveries handed out maxAttempts times once visible again, visible longest first", dueExhausted),
        StoreCheck("settleExpiry dead-letters, records and stores its notice together, once however often it is called",
                   settleExpiry),
        StoreCheck("settleDeadline stores its notice and marks the deadline settled, once however often it is called",
                   settleDeadline),
        StoreCheck("deadLetter stores the deliveries' state, its events and its notice together; they are never handed out again",
                   deadLetterWithNotice),
        StoreCheck("deadLetter changes nothing and answers false when a delivery was acknowledged meanwhile",
                   deadLetterYieldsToAcknowledgement),
        StoreCheck("deadLetter changes nothing and answers false when a delivery is dead-lettered already or unknown",
                   deadLetterOnlyOpenDeliveries),
        StoreCheck("a settlement that throws (its notice's id taken) stores nothing and the work stays due", failedSettlementStoresNothing),
        StoreCheck("unsettledDeliveryCount counts each delivery until it is acknowledged, expired or dead-lettered",
                   unsettledCount),
    ]

    static func dueExpired(_ store: any Store) async throws {
        let late = newMessage(receivedAt: t0 + 1, expiresAt: t0 + 120)
        let early = newMessage(recipients: [.csc, .police], receivedAt: t0 + 2, expiresAt: t0 + 60)
        for message in [late, early, newMessage(receivedAt: t0 + 3)] { try await publishStored(message, to: store) }
        _ = try await store.fetch(.police, at: t0 + 10)
        _ = try await store.acknowledge(delivery: early.deliveries[0].id, by: .csc, at: t0 + 20)
        #expect(try await store.dueWork(now: t0 + 59.999, maxAttempts: 10, limit: 10).isEmpty)

        let expired = try await store.dueWork(now: t0 + 120, maxAttempts: 10, limit: 10).expired
        #expect(expired.map(\.message.id) == [early.id, late.id])
        #expect(expired.map(\.expiresAt) == [t0 + 60, t0 + 120])
        #expect(expired[0].message.sender == .hospitals && expired[0].message.jws == early.jws)
        #expect(expired[0].message.type == early.type && expired[0].message.area == early.area)
        #expect(expired[0].unacknowledged.map(\.deliveryID) == [early.deliveries[1].id])
        #expect(expired[0].unacknowledged.map(\.recipient) == [.police])
        #expect(expired[0].unacknowledged.map(\.attempts) == [1] && expired[0].unacknowledged.map(\.delivered) == [true])
        #expect(expired[1].unacknowledged.map(\.attempts) == [0] && expired[1].unacknowledged.map(\.delivered) == [false])
        #expect(try await store.dueWork(now: t0 + 120, maxAttempts: 10, limit: 1).expired.map(\.message.id) == [early.id])
    }

    static func dueExpiredAfterDeadLetter(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police], expiresAt: t0 + 600)
        try await publishStored(message, to: store)
        #expect(try await store.deadLetter(deliveries: [message.deliveries[0].id], at: t0 + 30,
                                           events: [deadLetteredEvent(message, at: t0 + 30)], notice: nil))
        let expired = try await store.dueWork(now: t0 + 600, maxAttempts: 10, limit: 10).expired
        #expect(expired.map(\.message.id) == [message.id], "the message's expiry is still due")
        #expect(expired.first?.unacknowledged.map(\.recipient) == [.police], "not the dead-lettered one")
    }

    static func dueOverdue(_ store: any Store) async throws {
        let request = newMessage(recipients: [.csc, .police], respondBy: t0 + 3600)
        try await publishStored(request, to: store)
        for time in [t0 + 10, t0 + 20] {
            try await publishStored(newMessage(sender: .csc, recipients: [.hospitals], receivedAt: time, inReplyTo: request.id), to: store)
        }
        #expect(try await store.dueWork(now: t0 + 3599, maxAttempts: 10, limit: 10).overdue.isEmpty)
        let overdue = try await store.dueWork(now: t0 + 3600, maxAttempts: 10, limit: 10).overdue
        #expect(overdue.map(\.message.id) == [request.id])
        #expect(overdue.map(\.respondBy) == [t0 + 3600])
        #expect(overdue.first?.recipients == [.csc, .police])
        #expect(overdue.first?.answered == [.csc])
    }

    static func dueExhausted(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police])
        try await publishStored(message, to: store)
        for (agency, time) in [(AgencyID.police, t0 + 1), (.csc, t0 + 2), (.police, t0 + 31), (.csc, t0 + 32)] {
            #expect(try await store.fetch(agency, at: time, maxAttempts: 2).count == 1)
        }
        #expect(try await store.dueWork(now: t0 + 60.999, maxAttempts: 2, limit: 10).exhausted.isEmpty, "hidden from its last attempt")
        let exhausted = try await store.dueWork(now: t0 + 62, maxAttempts: 2, limit: 10).exhausted
        #expect(exhausted.map(\.id) == [message.deliveries[1].id, message.deliveries[0].id])
        #expect(exhausted.map(\.recipient) == [.police, .csc])
        #expect(exhausted.map(\.attempts) == [2, 2])
        #expect(exhausted.allSatisfy { $0.message.id == message.id && $0.message.jws == message.jws })
        #expect(try await store.dueWork(now: t0 + 62, maxAttempts: 3, limit: 10).exhausted.isEmpty)
        _ = try await store.acknowledge(delivery: message.deliveries[1].id, by: .police, at: t0 + 63)
        #expect(try await store.dueWork(now: t0 + 63, maxAttempts: 2, limit: 10).exhausted.map(\.id) == [message.deliveries[0].id])
    }

    static func settleExpiry(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police], expiresAt: t0 + 60)
        try await publishStored(message, to: store)
        _ = try await store.acknowledge(delivery: message.deliveries[0].id, by: .csc, at: t0 + 10)
        let events = [expiredEvent(message, delivery: 1, at: t0 + 60)]
        let notice = newNotice(at: t0 + 60)
        let before = try await allEvents(store)
        try await store.settleExpiry(of: message.id, at: t0 + 60, events: events, notice: notice)

        #expect(try await store.dueWork(now: t0 + 60, maxAttempts: 10, limit: 10).expired.isEmpty)
        #expect(try await store.status(of: message, at: t0 + 61)?.deliveries.map(\.state) == [.acknowledged, .expired])
        #expect(try await allEvents(store).map(\.event) == before.map(\.event) + events + notice.events)
        #expect(try await store.fetch(.hospitals, at: t0 + 61).map(\.messageID) == [notice.id])
        #expect(try await !store.deadLetter(deliveries: [message.deliveries[1].id], at: t0 + 62, events: [], notice: nil),
                "the unacknowledged delivery was dead-lettered")
        let after = try await allEvents(store)

        let again = newNotice(at: t0 + 63)
        try await store.settleExpiry(of: message.id, at: t0 + 63, events: events, notice: again)
        try await store.settleExpiry(of: UUID(), at: t0 + 63, events: events, notice: again)
        #expect(try await allEvents(store) == after)
        #expect(try await store.status(of: again, at: t0 + 63) == nil)
    }

    static func settleDeadline(_ store: any Store) async throws {
        let request = newMessage(recipients: [.csc, .police], respondBy: t0 + 60)
        let answered = newMessage(recipients: [.csc], receivedAt: t0 + 1, respondBy: t0 + 60)
        try await publishStored(request, to: store)
        try await publishStored(answered, to: store)
        let notice = newNotice(at: t0 + 60)
        try await store.settleDeadline(of: request.id, at: t0 + 60, notice: notice)
        try await store.settleDeadline(of: answered.id, at: t0 + 60, notice: nil)
        #expect(try await store.dueWork(now: t0 + 60, maxAttempts: 10, limit: 10).overdue.isEmpty)
        #expect(try await allEvents(store).suffix(notice.events.count).map(\.event) == notice.events)
        #expect(try await store.fetch(.hospitals, at: t0 + 61).map(\.messageID) == [notice.id])
        let after = try await allEvents(store)

        let again = newNotice(at: t0 + 62)
        try await store.settleDeadline(of: request.id, at: t0 + 62, notice: again)
        try await store.settleDeadline(of: UUID(), at: t0 + 62, notice: again)
        #expect(try await allEvents(store) == after)
        #expect(try await store.status(of: again, at: t0 + 62) == nil)
    }

    static func deadLetterWithNotice(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        _ = try await store.fetch(.csc, at: t0 + 1, maxAttempts: 1)
        let exhausted = try await store.dueWork(now: t0 + 31, maxAttempts: 1, limit: 10).exhausted
        #expect(exhausted.map(\.id) == message.deliveries.map(\.id))
        let dead = deadLetteredEvent(message, at: t0 + 31)
        let notice = newNotice(at: t0 + 31)
        #expect(try await store.deadLetter(deliveries: exhausted.map(\.id), at: t0 + 31, events: [dead], notice: notice))

        #expect(try await store.status(of: message, at: t0 + 32)?.deliveries.map(\.state) == [.deadLettered])
        #expect(try await allEvents(store).suffix(1 + notice.events.count).map(\.event) == [dead] + notice.events)
        #expect(try await store.dueWork(now: t0 + 100, maxAttempts: 1, limit: 10).exhausted.isEmpty)
        #expect(try await store.fetch(.hospitals, at: t0 + 32).map(\.messageID) == [notice.id])
        #expect(try await store.fetch(.csc, at: t0 + 100, maxAttempts: 10).isEmpty, "never handed out again")
        #expect(try await store.stream(.csc, at: t0 + 100, maxAttempts: 10).isEmpty)
    }

    static func deadLetterYieldsToAcknowledgement(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        let delivery = message.deliveries[0].id
        _ = try await store.acknowledge(delivery: delivery, by: .csc, at: t0 + 1)
        let before = try await allEvents(store)
        let notice = newNotice(at: t0 + 2)
        #expect(try await !store.deadLetter(deliveries: [delivery], at: t0 + 2, events: [deadLetteredEvent(message, at: t0 + 2)],
                                            notice: notice))
        #expect(try await allEvents(store) == before)
        #expect(try await store.fetch(.hospitals, at: t0 + 3).isEmpty, "no notice stored")
        #expect(try await store.status(of: message, at: t0 + 3)?.deliveries.map(\.state) == [.acknowledged])
    }

    static func deadLetterOnlyOpenDeliveries(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police])
        try await publishStored(message, to: store)
        let (csc, police) = (message.deliveries[0].id, message.deliveries[1].id)
        #expect(try await store.deadLetter(deliveries: [csc], at: t0 + 1, events: [], notice: nil))
        let before = try await allEvents(store)
        let notice = newNotice(at: t0 + 2)
        #expect(try await !store.deadLetter(deliveries: [police, csc], at: t0 + 2, events: [deadLetteredEvent(message, at: t0 + 2)],
                                            notice: notice))
        #expect(try await !store.deadLetter(deliveries: [UUID()], at: t0 + 2, events: [], notice: notice))
        #expect(try await allEvents(store) == before)
        #expect(try await store.status(of: message, at: t0 + 3)?.deliveries.map(\.state) == [.deadLettered, .pending])
        #expect(try await store.fetch(.hospitals, at: t0 + 3).isEmpty, "no notice stored")
    }

    static func failedSettlementStoresNothing(_ store: any Store) async throws {
        let taken = newNotice(at: t0)
        let expiring = newMessage(receivedAt: t0 + 1, expiresAt: t0 + 60)
        let request = newMessage(recipients: [.police], receivedAt: t0 + 2, respondBy: t0 + 60)
        for message in [taken, expiring, request] { try await publishStored(message, to: store) }
        _ = try await store.fetch(.police, at: t0 + 3, maxAttempts: 1)
        let before = try await allEvents(store)
        let notice = newMessage(id: taken.id, sender: .broker, recipients: [.hospitals], jws: Data("another notice".utf8),
                                receivedAt: t0 + 60)

        await #expect(throws: (any Error).self) {
            try await store.settleExpiry(of: expiring.id, at: t0 + 60, events: [expiredEvent(expiring, delivery: 0, at: t0 + 60)],
                                         notice: notice)
        }
        await #expect(throws: (any Error).self) {
            try await store.settleDeadline(of: request.id, at: t0 + 60, notice: notice)
        }
        await #expect(throws: (any Error).self) {
            _ = try await store.deadLetter(deliveries: request.deliveries.map(\.id), at: t0 + 60,
                                           events: [deadLetteredEvent(request, at: t0 + 60)], notice: notice)
        }
        #expect(try await allEvents(store) == before)
        let due = try await store.dueWork(now: t0 + 60, maxAttempts: 1, limit: 10)
        #expect(due.expired.map(\.message.id) == [expiring.id])
        #expect(due.overdue.map(\.message.id) == [request.id])
        #expect(due.exhausted.map(\.id) == request.deliveries.map(\.id))
        #expect(try await store.status(of: expiring, at: t0 + 59)?.deliveries.map(\.state) == [.pending])
    }

    static func unsettledCount(_ store: any Store) async throws {
        #expect(try await store.unsettledDeliveryCount() == 0)
        let expiring = newMessage(recipients: [.csc, .police], expiresAt: t0 + 60)
        let exhausting = newMessage(receivedAt: t0 + 1)
        for message in [expiring, exhausting] { try await publishStored(message, to: store) }
        #expect(try await store.unsettledDeliveryCount() == 3)
        _ = try await store.acknowledge(delivery: expiring.deliveries[0].id, by: .csc, at: t0 + 10)
        #expect(try await store.unsettledDeliveryCount() == 2, "acknowledged")
        try await store.settleExpiry(of: expiring.id, at: t0 + 60, events: [expiredEvent(expiring, delivery: 1, at: t0 + 60)],
                                     notice: nil)
        #expect(try await store.unsettledDeliveryCount() == 1, "expired")
        #expect(try await store.fetch(.csc, at: t0 + 61, maxAttempts: 1).map(\.messageID) == [exhausting.id])
        let exhausted = try await store.dueWork(now: t0 + 100, maxAttempts: 1, limit: 10).exhausted
        #expect(try await store.deadLetter(deliveries: exhausted.map(\.id), at: t0 + 100, events: [], notice: nil))
        #expect(try await store.unsettledDeliveryCount() == 0, "dead-lettered")
    }

    private static func expiredEvent(_ message: NewMessage, delivery: Int, at time: Date) -> EventRecord {
        let delivery = message.deliveries[delivery]
        return EventRecord(kind: .expired, at: time, agency: delivery.recipient, messageID: message.id, deliveryID: delivery.id,
                           attempt: 0)
    }

    private static func deadLetteredEvent(_ message: NewMessage, at time: Date) -> EventRecord {
        EventRecord(kind: .deadLettered, at: time, agency: message.deliveries[0].recipient, messageID: message.id,
                    deliveryID: message.deliveries[0].id, attempt: 10)
    }
}
