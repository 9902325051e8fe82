import Foundation
import ShareModel
import ShareStore
import Testing

/// Delivery deadlines: each delivery's `dueBy`, stored and read back everywhere a delivery is,
/// and `settlePastDue`, which tells of a delivery not acknowledged by then exactly once.
enum DeadlineChecks {
    static let all = [
        StoreCheck("each delivery's dueBy is in its receipt, a replay's receipt, the inbox, a stream and the status", dueByReadBack),
        StoreCheck("dueWork finds deliveries not acknowledged by their dueBy, earliest first, until settled", duePastDue),
        StoreCheck("settlePastDue stores its notice once; it answers false, storing nothing, once settled or acknowledged",
                   settlePastDueOnce),
        StoreCheck("of two settlePastDue calls at once for the same deliveries, exactly one stores its notice", settlePastDueRace),
    ]

    static func dueByReadBack(_ store: any Store) async throws {
        let due = [AgencyID.csc: t0 + 3600, .police: t0 + 7200.5]
        let message = newMessage(sender: .broker, recipients: [.csc, .police, .hospitals], dueBy: due)
        let receipt = try await publishStored(message, to: store)
        #expect(receipt.dueBy == due)
        #expect(try await store.publish(message) == .replayed(receipt), "a replay answers the same dueBy")
        #expect(try await store.replayedReceipt(of: message.id, digest: message.digest)?.dueBy == due)
        #expect(try await store.fetch(.csc, at: t0 + 1).map(\.dueBy) == [t0 + 3600])
        #expect(try await store.stream(.police, at: t0 + 1).map(\.dueBy) == [t0 + 7200.5])
        #expect(try await store.fetch(.hospitals, at: t0 + 1).map(\.dueBy) == [nil], "no deadline for this recipient")
        let status = try await store.messageStatus(id: message.id, sender: .broker, now: t0 + 2)
        #expect(status?.deliveries.map(\.dueBy) == [t0 + 3600, t0 + 7200.5, nil])
    }

    static func duePastDue(_ store: any Store) async throws {
        let late = newMessage(recipients: [.csc, .police], dueBy: [.csc: t0 + 120, .police: t0 + 120])
        let early = newMessage(recipients: [.csc], receivedAt: t0 + 1, dueBy: [.csc: t0 + 60])
        for message in [late, early, newMessage(receivedAt: t0 + 2)] { try await publishStored(message, to: store) }
        _ = try await store.fetch(.police, at: t0 + 10)
        _ = try await store.acknowledge(delivery: late.deliveries[0].id, by: .csc, at: t0 + 20)
        #expect(try await store.dueWork(now: t0 + 59.999, maxAttempts: 10, limit: 10).pastDue.isEmpty)

        let pastDue = try await store.dueWork(now: t0 + 120, maxAttempts: 10, limit: 10).pastDue
        #expect(pastDue.map(\.id) == [early.deliveries[0].id, late.deliveries[1].id], "earliest dueBy first; not the acknowledged one")
        #expect(pastDue.map(\.recipient) == [.csc, .police])
        #expect(pastDue.map(\.dueBy) == [t0 + 60, t0 + 120])
        #expect(pastDue.map(\.attempts) == [0, 1])
        #expect(pastDue[1].message.id == late.id && pastDue[1].message.jws == late.jws && pastDue[1].message.sender == .hospitals)
        #expect(try await store.dueWork(now: t0 + 120, maxAttempts: 10, limit: 1).pastDue.map(\.id) == [early.deliveries[0].id])
    }

    static func settlePastDueOnce(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police], dueBy: [.csc: t0 + 60, .police: t0 + 60])
        try await publishStored(message, to: store)
        let notice = newNotice(at: t0 + 60)
        let before = try await allEvents(store)
        #expect(try await store.settlePastDue(deliveries: message.deliveries.map(\.id), at: t0 + 60, notice: notice))
        #expect(try await allEvents(store).map(\.event) == before.map(\.event) + notice.events)
        #expect(try await store.fetch(.hospitals, at: t0 + 61).map(\.messageID) == [notice.id])
        #expect(try await store.dueWork(now: t0 + 600, maxAttempts: 10, limit: 10).pastDue.isEmpty)
        #expect(try await store.fetch(.csc, at: t0 + 61).map(\.messageID) == [message.id], "the delivery stays open")
        let after = try await allEvents(store)

        let again = newNotice(at: t0 + 62)
        #expect(try await !store.settlePastDue(deliveries: [message.deliveries[1].id], at: t0 + 62, notice: again))
        #expect(try await !store.settlePastDue(deliveries: [UUID()], at: t0 + 62, notice: again))
        let acknowledged = newMessage(recipients: [.csc], dueBy: [.csc: t0 + 60])
        try await publishStored(acknowledged, to: store)
        _ = try await store.acknowledge(delivery: acknowledged.deliveries[0].id, by: .csc, at: t0 + 61)
        let afterAcknowledged = try await allEvents(store)
        #expect(try await !store.settlePastDue(deliveries: acknowledged.deliveries.map(\.id), at: t0 + 62, notice: again))
        #expect(try await allEvents(store) == afterAcknowledged)
        #expect(afterAcknowledged.count > after.count)
        #expect(try await store.status(of: again, at: t0 + 62) == nil)
    }

    static func settlePastDueRace(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police], dueBy: [.csc: t0 + 60, .police: t0 + 60])
        try await publishStored(message, to: store)
        let ids = message.deliveries.map(\.id)
        let settled = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<2 {
                group.addTask { try await store.settlePastDue(deliveries: ids, at: t0 + 60, notice: newNotice(at: t0 + 60)) }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(settled.sorted { !$0 && $1 } == [false, true])
        #expect(try await store.fetch(.hospitals, at: t0 + 61).count == 1, "one notice")
    }
}
