import Foundation
import ShareModel
import ShareStore
import Testing

/// `record`, `events(from:limit:)`, `entryBytes`, `events(matching:limit:)` and the tree heads.
enum EventRecordChecks {
    static let all = [
        StoreCheck("record appends events after the existing ones, in order", recordAppends),
        StoreCheck("record indexes the subject tokens a refusal carries, so a subject search finds it", recordIndexesSubjects),
        StoreCheck("events(matching:) by agency finds what it did and what was routed to it, not a refusal's addressees",
                   matchesAgency),
        StoreCheck("events(matching:) by kind and by message finds those events only", matchesKindAndMessage),
        StoreCheck("events(matching:) by subject token finds every event of every message about the subject", matchesSubject),
        StoreCheck("events(matching:) by time includes from and excludes to", matchesTimeRange),
        StoreCheck("events(matching:) starts at fromIndex, stops at the limit, and holds every condition at once",
                   matchesFromIndexAndAll),
        StoreCheck("entryBytes reads the exact stored bytes of each entry from an index", entryBytes),
        StoreCheck("saveTreeHead keeps the first head of a size; treeHeads lists from a size, smallest first, up to the limit",
                   treeHeads),
        StoreCheck("latestTreeHead is nil before any head is kept", noLatestTreeHead),
    ]

    static func recordAppends(_ store: any Store) async throws {
        try await publishStored(newMessage(), to: store)
        let suspended = EventRecord(kind: .agencySuspended, at: t0, agency: .police)
        let reinstated = EventRecord(kind: .agencyReinstated, at: t0 + 60, agency: .police)
        try await store.record([suspended, reinstated])
        let events = try await allEvents(store)
        #expect(events.map(\.index) == [0, 1, 2, 3])
        #expect(events.suffix(2).map(\.event) == [suspended, reinstated])
        #expect(events.suffix(2).map(\.entry) == [suspended.entryBytes(), reinstated.entryBytes()])
        #expect(try await store.events(from: 3, limit: 10).map(\.event) == [reinstated])
        #expect(try await store.events(from: 1, limit: 2).map(\.index) == [1, 2])
        #expect(try await store.events(from: 4, limit: 10).isEmpty)
    }

    static func recordIndexesSubjects(_ store: any Store) async throws {
        let stored = newMessage(subjects: ["token-a"])
        try await publishStored(stored, to: store)
        let refusedID = UUID()
        let refused = refusal(of: refusedID, by: .hospitals, to: [.police], subjects: ["token-a", "token-b"], at: t0 + 1)
        try await store.record([refused, EventRecord(kind: .agencySuspended, at: t0 + 2, agency: .police)])
        #expect(try await store.events(matching: EventFilter(subjectToken: "token-a"), limit: 100).map(\.event)
                == stored.events + [refused])
        #expect(try await store.events(matching: EventFilter(subjectToken: "token-b"), limit: 100).map(\.event) == [refused])
        #expect(try await store.events(matching: EventFilter(messageID: refusedID), limit: 100).map(\.event) == [refused])
    }

    static func matchesAgency(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police])
        try await publishStored(message, to: store)
        _ = try await store.fetch(.csc, at: t0 + 1)
        try await store.record([refusal(of: UUID(), by: .police, to: [.csc], subjects: nil, at: t0 + 2)])
        func kinds(_ agency: AgencyID) async throws -> [EventRecord.Kind] {
            try await store.events(matching: EventFilter(agency: agency), limit: 100).map(\.event.kind)
        }
        #expect(try await kinds(.csc) == [.routed, .delivered])
        #expect(try await kinds(.hospitals) == [.published, .routed, .routed])
        #expect(try await kinds(.police) == [.routed, .refused])
    }

    static func matchesKindAndMessage(_ store: any Store) async throws {
        let first = newMessage(recipients: [.csc, .police])
        let second = newMessage(receivedAt: t0 + 1)
        try await publishStored(first, to: store)
        try await publishStored(second, to: store)
        _ = try await store.acknowledge(delivery: first.deliveries[1].id, by: .police, at: t0 + 2)
        let routed = try await store.events(matching: EventFilter(kind: .routed), limit: 100)
        #expect(routed.map(\.event.deliveryID) == (first.deliveries + second.deliveries).map(\.id))
        let aboutFirst = try await store.events(matching: EventFilter(messageID: first.id), limit: 100)
        #expect(aboutFirst.map(\.event.kind) == [.published, .routed, .routed, .acknowledged])
        #expect(aboutFirst.allSatisfy { $0.event.messageID == first.id })
        #expect(try await store.events(matching: EventFilter(messageID: UUID()), limit: 100).isEmpty)
    }

    static func matchesSubject(_ store: any Store) async throws {
        let about = newMessage(subjects: ["token-a", "token-b"])
        let other = newMessage(receivedAt: t0 + 1, subjects: ["token-c"])
        let alsoAbout = newMessage(recipients: [.police], receivedAt: t0 + 2, subjects: ["token-a"])
        for message in [about, other, alsoAbout] { try await publishStored(message, to: store) }
        _ = try await store.fetch(.csc, at: t0 + 3)
        let found = try await store.events(matching: EventFilter(subjectToken: "token-a"), limit: 100)
        #expect(found.map(\.event.messageID) == [about.id, about.id, alsoAbout.id, alsoAbout.id, about.id])
        #expect(found.last?.event.kind == .delivered, "events recorded after the message are found too")
        #expect(try await store.events(matching: EventFilter(subjectToken: "token-b"), limit: 100).map(\.event.messageID)
                == [about.id, about.id, about.id])
        #expect(try await store.events(matching: EventFilter(subjectToken: "token-d"), limit: 100).isEmpty)
    }

    static func matchesTimeRange(_ store: any Store) async throws {
        let messages = [t0, t0 + 10, t0 + 20].map { newMessage(receivedAt: $0) }
        for message in messages { try await publishStored(message, to: store) }
        let between = try await store.events(matching: EventFilter(from: t0 + 10, to: t0 + 20), limit: 100)
        #expect(between.map(\.event) == messages[1].events)
        #expect(try await store.events(matching: EventFilter(from: t0 + 10.001), limit: 100).map(\.event) == messages[2].events)
        #expect(try await store.events(matching: EventFilter(to: t0 + 10), limit: 100).map(\.event) == messages[0].events)
    }

    static func matchesFromIndexAndAll(_ store: any Store) async throws {
        let messages = (0..<3).map { newMessage(recipients: [.csc, .police], receivedAt: t0 + Double($0)) }
        for message in messages { try await publishStored(message, to: store) }
        let routedToPolice = EventFilter(agency: .police, kind: .routed)
        #expect(try await store.events(matching: routedToPolice, limit: 100).map(\.index) == [2, 5, 8])
        #expect(try await store.events(matching: routedToPolice, limit: 2).map(\.index) == [2, 5])
        var later = routedToPolice
        later.fromIndex = 3
        #expect(try await store.events(matching: later, limit: 1).map(\.event.messageID) == [messages[1].id])
        later.messageID = messages[2].id
        later.from = t0 + 2
        later.to = t0 + 3
        #expect(try await store.events(matching: later, limit: 100).map(\.index) == [8])
        later.to = t0 + 2
        #expect(try await store.events(matching: later, limit: 100).isEmpty)
        #expect(try await store.events(matching: EventFilter(fromIndex: 7), limit: 100).map(\.index) == [7, 8])
    }

    static func entryBytes(_ store: any Store) async throws {
        try await publishStored(newMessage(recipients: [.csc, .police]), to: store)
        try await store.record([EventRecord(kind: .policyLoaded, at: t0 + 1, agency: .broker, policyDigest: "digest")])
        let events = try await allEvents(store)
        let entries = try await store.entryBytes(from: 1, limit: 2)
        #expect(entries.map(\.index) == [1, 2])
        #expect(entries.map(\.entry) == events[1...2].map(\.entry))
        #expect(entries.map(\.entry) == events[1...2].map { $0.event.entryBytes() })
        #expect(try await store.entryBytes(from: 3, limit: 10).map(\.entry) == [events[3].entry])
        #expect(try await store.entryBytes(from: 4, limit: 10).isEmpty)
    }

    static func treeHeads(_ store: any Store) async throws {
        let heads = [5, 2, 9].map { head(size: $0, signed: "first") }
        for head in heads { try await store.saveTreeHead(head) }
        try await store.saveTreeHead(head(size: 5, signed: "second"))
        #expect(try await store.treeHeads(fromSize: 0, limit: 10) == [heads[1], heads[0], heads[2]])
        #expect(try await store.treeHeads(fromSize: 3, limit: 1) == [heads[0]])
        #expect(try await store.treeHeads(fromSize: 9, limit: 10) == [heads[2]])
        #expect(try await store.treeHeads(fromSize: 10, limit: 10).isEmpty)
        #expect(try await store.latestTreeHead() == heads[2])
    }

    static func noLatestTreeHead(_ store: any Store) async throws {
        #expect(try await store.latestTreeHead() == nil)
    }

    /// A `refused` event as the broker records it for a message never stored.
    private static func refusal(of id: UUID, by agency: AgencyID, to recipients: [AgencyID], subjects: [String]?,
                                at time: Date) -> EventRecord {
        EventRecord(kind: .refused, at: time, agency: agency, messageID: id, recipients: recipients,
                    messageType: "unborn-baby-referral/1", area: "E99999999", subjects: subjects, rule: "area")
    }

    private static func head(size: Int, signed: String) -> SignedTreeHeadRecord {
        SignedTreeHeadRecord(treeSize: size, rootHash: "root-\(size)", timestamp: "2026-11-22T09:31:0\(size)Z", signed: signed)
    }
}
