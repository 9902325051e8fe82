import Foundation
import ShareStore
import Testing
import ShareModel

/// The rules of a delivery's life, without a store: each hand-out, state and exhaustion rule
/// from a delivery's values and the time.
@Suite("Delivery lifecycle")
struct DeliveryLifecycleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    @Test("the inbox hands out a visible delivery with attempts left, counting one and hiding it for the visibility timeout")
    func inboxHandOut() {
        let fresh = DeliveryLifecycle(attempts: 0, visibleAt: start)
        #expect(fresh.inboxHandOut(at: start, visibilityTimeout: 30, maxAttempts: 3) == .counted(attempt: 1, hiddenUntil: at(30)),
                "visible at the very time it is due")
        let hidden = DeliveryLifecycle(attempts: 1, visibleAt: at(30))
        #expect(hidden.inboxHandOut(at: at(29.999), visibilityTimeout: 30, maxAttempts: 3) == .withheld)
        #expect(hidden.inboxHandOut(at: at(30), visibilityTimeout: 30, maxAttempts: 3) == .counted(attempt: 2, hiddenUntil: at(60)))
        let used = DeliveryLifecycle(attempts: 3, visibleAt: at(90))
        #expect(used.inboxHandOut(at: at(100), visibilityTimeout: 30, maxAttempts: 3) == .withheld, "no attempts left")
    }

    @Test("a stream gets a delivery still hidden from its last hand-out again, as that hand-out (its attempt and time), without extending it")
    func streamHandOut() {
        let hidden = DeliveryLifecycle(attempts: 1, visibleAt: at(30), lastDeliveredAt: start)
        let again = hidden.streamHandOut(at: at(10), visibilityTimeout: 30, maxAttempts: 3)
        #expect(again == .repeated(attempt: 1, deliveredAt: start))
        #expect(again.deliveredAt(now: at(10)) == start, "shown as delivered when the attempt was handed out")
        let next = hidden.streamHandOut(at: at(30), visibilityTimeout: 30, maxAttempts: 3)
        #expect(next == .counted(attempt: 2, hiddenUntil: at(60)))
        #expect(next.deliveredAt(now: at(30.0004)) == at(30), "to the millisecond, as the store keeps it")
        let used = DeliveryLifecycle(attempts: 3, visibleAt: at(90), lastDeliveredAt: at(60))
        #expect(used.streamHandOut(at: at(70), visibilityTimeout: 30, maxAttempts: 3) == .repeated(attempt: 3, deliveredAt: at(60)),
                "its last attempt's period is not over")
        let none = used.streamHandOut(at: at(90), visibilityTimeout: 30, maxAttempts: 3)
        #expect(none == .withheld && none.deliveredAt(now: at(90)) == nil)
    }

    @Test("nothing acknowledged, expired or dead-lettered is handed out, to the inbox or a stream")
    func closedDeliveries() {
        let closed = [
            DeliveryLifecycle(attempts: 1, visibleAt: at(30), acknowledgedAt: at(5)),
            DeliveryLifecycle(attempts: 1, visibleAt: at(30), expiresAt: at(10)),
            DeliveryLifecycle(attempts: 1, visibleAt: at(30), deadLetteredAt: at(5)),
        ]
        for delivery in closed {
            #expect(!delivery.isOpen(at: at(10)))
            #expect(delivery.inboxHandOut(at: at(40), visibilityTimeout: 30, maxAttempts: 3) == .withheld)
            #expect(delivery.streamHandOut(at: at(10), visibilityTimeout: 30, maxAttempts: 3) == .withheld)
        }
        #expect(DeliveryLifecycle(attempts: 0, visibleAt: start, expiresAt: at(10)).isOpen(at: at(9.999)), "expired when now reaches it")
    }

    @Test("status: acknowledged over expired over dead-lettered over delivered over pending")
    func states() {
        #expect(DeliveryLifecycle(attempts: 0, visibleAt: start).state(at: start) == .pending)
        #expect(DeliveryLifecycle(attempts: 1, visibleAt: at(30), firstDeliveredAt: start).state(at: at(1)) == .delivered)
        #expect(DeliveryLifecycle(attempts: 3, visibleAt: at(30), deadLetteredAt: at(31), firstDeliveredAt: start).state(at: at(40))
                == .deadLettered)
        #expect(DeliveryLifecycle(attempts: 3, visibleAt: at(30), expiresAt: at(35), deadLetteredAt: at(31)).state(at: at(40))
                == .expired)
        #expect(DeliveryLifecycle(attempts: 1, visibleAt: at(30), expiresAt: at(35), acknowledgedAt: at(2)).state(at: at(40))
                == .acknowledged)
    }

    @Test("the timers find a delivery exhausted once its attempts are used and its last period is over, expired or not")
    func exhaustion() {
        let used = DeliveryLifecycle(attempts: 3, visibleAt: at(90), expiresAt: at(60))
        #expect(!used.isExhausted(at: at(89), maxAttempts: 3))
        #expect(used.isExhausted(at: at(90), maxAttempts: 3))
        #expect(!DeliveryLifecycle(attempts: 2, visibleAt: at(60)).isExhausted(at: at(90), maxAttempts: 3))
        #expect(!DeliveryLifecycle(attempts: 3, visibleAt: at(90), acknowledgedAt: at(1)).isExhausted(at: at(90), maxAttempts: 3))
    }
}
