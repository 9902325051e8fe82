import Foundation
import ShareModel
import ShareStore
import Testing

/// `retentionDue`, `purge` and legal holds: content destroyed when its retention ends, the evidence kept.
enum RetentionChecks {
    static let all = [
        StoreCheck("retentionDue finds messages of the types named settled by their cutoff, oldest first, with when each was settled",
                   retentionDue),
        StoreCheck("purge destroys a body once with its entry; then retrieve answers purgedAt and no bytes, recording nothing", purge),
        StoreCheck("a legal hold on a subject keeps its messages from retentionDue and purge until it is lifted, and is recorded", legalHold),
    ]

    static let type = "unborn-baby-referral/1"

    /// Publishes a message to children's social care, hands it out and acknowledges it at `acknowledgedAt`.
    static func settled(_ store: any Store, at acknowledgedAt: Date, subjects: [String]? = nil) async throws -> NewMessage {
        let message = newMessage(subjects: subjects)
        try await publishStored(message, to: store)
        _ = try await store.fetch(.csc, at: t0)
        _ = try await store.acknowledge(deliveries: message.deliveries.map(\.id), by: .csc, at: acknowledgedAt)
        return message
    }

    static func retentionDue(_ store: any Store) async throws {
        let early = try await settled(store, at: t0.addingTimeInterval(10))
        let record = newMessage(recipients: [], receivedAt: t0)
        try await publishStored(record, to: store)
        try await publishStored(newMessage(), to: store)
        let late = try await settled(store, at: t0.addingTimeInterval(100))
        let expired = newMessage(expiresAt: t0.addingTimeInterval(5))
        try await publishStored(expired, to: store)
        try await store.settleExpiry(of: expired.id, at: t0.addingTimeInterval(20), events: [], notice: nil)
        let requested = newMessage(recipients: [], respondBy: t0.addingTimeInterval(10))
        try await publishStored(requested, to: store)

        let cutoff = t0.addingTimeInterval(50)
        let due = try await store.retentionDue(cutoffs: [type: cutoff], limit: 10)
        #expect(due.map(\.id) == [early.id, record.id, expired.id], "not the open one, the late one, nor the request whose deadline is unsettled")
        #expect(due.map(\.settledAt) == [t0.addingTimeInterval(10), t0, t0.addingTimeInterval(20)])
        #expect(due.allSatisfy { $0.type == type })
        #expect(try await store.retentionDue(cutoffs: [type: cutoff], limit: 2).map(\.id) == [early.id, record.id])
        #expect(try await store.retentionDue(cutoffs: ["decision-not-to-share/1": cutoff], limit: 10).isEmpty)
        #expect(try await store.retentionDue(cutoffs: [type: t0.addingTimeInterval(200)], limit: 10).map(\.id)
            == [early.id, record.id, late.id, expired.id])
    }

    static func purge(_ store: any Store) async throws {
        let message = try await settled(store, at: t0.addingTimeInterval(10))
        let cutoff = t0.addingTimeInterval(50)
        let entry = EventRecord(kind: .purged, at: cutoff, agency: .broker, messageID: message.id, messageType: type, rule: "retentionDays")
        let recorded = try await allEvents(store).count
        #expect(try await store.purge(message: message.id, cutoff: t0.addingTimeInterval(5), at: cutoff, event: entry) == false,
                "settled after that cutoff")
        #expect(try await store.purge(message: message.id, cutoff: cutoff, at: cutoff, event: entry))
        #expect(try await store.purge(message: message.id, cutoff: cutoff, at: cutoff, event: entry) == false)
        let events = try await allEvents(store)
        #expect(events.count == recorded + 1)
        #expect(events.last?.event == entry)
        #expect(try await store.events(matching: EventFilter(messageID: message.id), limit: 100).last?.event.kind == .purged)

        let retrieved = try #require(try await store.retrieve(message: message.id, by: .hospitals, at: cutoff))
        #expect(retrieved.purgedAt == cutoff && retrieved.jws.isEmpty)
        #expect(try await store.retrieve(message: message.id, by: .police, at: cutoff) == nil)
        #expect(try await allEvents(store).count == recorded + 1, "reading a purged message records nothing")
        #expect(try await store.storedMessages([message.id]).isEmpty)
        #expect(try await store.storedBodies(fromAuditIndex: 0, limit: 10).map(\.body) == [Data()])
        #expect(try await store.retentionDue(cutoffs: [type: cutoff], limit: 10).isEmpty)
        let status = try await store.status(of: message, at: cutoff)
        #expect(status?.deliveries.map(\.state) == [.acknowledged] && status?.purgedAt == cutoff)
        #expect(try await store.replayedReceipt(of: message.id, digest: message.digest) != nil, "a resend is still a replay")
    }

    static func legalHold(_ store: any Store) async throws {
        let held = try await settled(store, at: t0.addingTimeInterval(10), subjects: ["token-held", "token-other"])
        let free = try await settled(store, at: t0.addingTimeInterval(10), subjects: ["token-free"])
        let cutoff = t0.addingTimeInterval(50)
        let placed = EventRecord(kind: .legalHoldPlaced, at: t0.addingTimeInterval(20), agency: AgencyID("northshire-audit")!,
                                 messageID: UUID(), subjects: ["token-held"])
        #expect(try await store.setLegalHold(true, on: "token-held", at: t0.addingTimeInterval(20), event: placed))
        #expect(try await store.setLegalHold(true, on: "token-held", at: t0.addingTimeInterval(30), event: placed) == false)
        #expect(try await store.legalHolds() == [LegalHold(token: "token-held", placedAt: t0.addingTimeInterval(20))])
        #expect(try await store.events(matching: EventFilter(subjectToken: "token-held", kind: .legalHoldPlaced), limit: 10)
            .map(\.event) == [placed], "recorded once, and found by the subject")

        #expect(try await store.retentionDue(cutoffs: [type: cutoff], limit: 10).map(\.id) == [free.id])
        let entry = EventRecord(kind: .purged, at: cutoff, agency: .broker, messageID: held.id, messageType: type)
        #expect(try await store.purge(message: held.id, cutoff: cutoff, at: cutoff, event: entry) == false)

        let lifted = EventRecord(kind: .legalHoldLifted, at: cutoff, agency: AgencyID("northshire-audit")!,
                                 messageID: UUID(), subjects: ["token-held"])
        #expect(try await store.setLegalHold(false, on: "token-held", at: cutoff, event: lifted))
        #expect(try await store.setLegalHold(false, on: "token-held", at: cutoff, event: lifted) == false)
        #expect(try await store.legalHolds().isEmpty)
        #expect(try await store.retentionDue(cutoffs: [type: cutoff], limit: 10).map(\.id) == [held.id, free.id])
        #expect(try await store.purge(message: held.id, cutoff: cutoff, at: cutoff, event: entry))
    }
}
