import Foundation
import ShareModel
import ShareStore
import Testing

/// The promises that only show when calls overlap: contiguous indexes in commit order,
/// sequences a stream can resume from, exclusive hand-out, one first acknowledgement, and
/// settlements that happen once.
enum ConcurrencyChecks {
    static let all = [
        StoreCheck("concurrent publishes all commit, each message's entries together, the record without gaps",
                   concurrentPublishesAreContiguous),
        StoreCheck("a reader following the record while publishers write never meets a gap and reads every entry once",
                   readerNeverMeetsAGap),
        StoreCheck("a stream resuming after its last sequence while publishers write never skips a delivery",
                   streamCursorNeverSkips),
        StoreCheck("concurrent fetches and streams of one agency never count two attempts in one visibility period, fetches never share a delivery",
                   exclusiveHandOut),
        StoreCheck("concurrent acknowledgements of one delivery: exactly one is first, all report its time", oneFirstAcknowledgement),
        StoreCheck("concurrent settlements of one message settle it once", settlementsHappenOnce),
        StoreCheck("one message published by several calls at once is stored once, every other call answered as a replay with its receipt",
                   concurrentResendsAreReplays),
    ]

    static func concurrentPublishesAreContiguous(_ store: any Store) async throws {
        let messages = (0..<50).map { _ in newMessage() }
        let receipts = try await withThrowingTaskGroup(of: PublishReceipt.self) { group in
            for message in messages { group.addTask { try await publishStored(message, to: store) } }
            return try await group.reduce(into: [PublishReceipt]()) { $0.append($1) }
        }
        #expect(Set(receipts.map(\.id)) == Set(messages.map(\.id)))
        #expect(receipts.map(\.auditIndex).sorted() == Array(stride(from: 0, to: 100, by: 2)))
        let events = try await allEvents(store)
        #expect(events.map(\.index) == Array(0..<100))
        for receipt in receipts where receipt.auditIndex + 1 < events.count {
            let published = events[receipt.auditIndex].event
            let routed = events[receipt.auditIndex + 1].event
            #expect(published.kind == .published && published.messageID == receipt.id)
            #expect(routed.kind == .routed && routed.messageID == receipt.id)
        }
    }

    static func readerNeverMeetsAGap(_ store: any Store) async throws {
        let messages = (0..<60).map { _ in newMessage(recipients: [.csc, .police]) }
        let read = try await follow(from: [Data](), whilePublishing: messages, to: store) { entries in
            let next = try await store.entryBytes(from: entries.count, limit: 7)
            guard !next.isEmpty else { return nil }
            #expect(next.map(\.index) == Array(entries.count..<entries.count + next.count), "a gap after index \(entries.count - 1)")
            return entries + next.map(\.entry)
        }
        #expect(read == (try await allEvents(store)).map(\.entry))
        #expect(read.count == messages.count * 3)
    }

    static func streamCursorNeverSkips(_ store: any Store) async throws {
        let messages = (0..<60).map { _ in newMessage() }
        let streamed = try await follow(from: [InboxDelivery](), whilePublishing: messages, to: store) { streamed in
            let next = try await store.stream(.csc, after: streamed.last?.sequence ?? 0, at: t0 + 1, limit: 7)
            return next.isEmpty ? nil : streamed + next
        }
        #expect(streamed.map(\.sequence) == streamed.map(\.sequence).sorted())
        #expect(streamed.map(\.id).sorted() == messages.map { $0.deliveries[0].id }.sorted())
        #expect(streamed.allSatisfy { $0.attempt == 1 })
    }

    static func exclusiveHandOut(_ store: any Store) async throws {
        let messages = (0..<40).map { _ in newMessage() }
        _ = try await store.publish(messages)
        let (fetched, streamed) = try await withThrowingTaskGroup(of: (fetched: [InboxDelivery], streamed: [InboxDelivery]).self) { group in
            for _ in 0..<8 { group.addTask { (try await store.fetch(.csc, at: t0 + 1, limit: 7), []) } }
            for _ in 0..<2 { group.addTask { ([], try await store.stream(.csc, at: t0 + 1, limit: 40)) } }
            return try await group.reduce(into: ([InboxDelivery](), [InboxDelivery]())) { $0.0 += $1.fetched; $0.1 += $1.streamed }
        }
        #expect(fetched.count == Set(fetched.map(\.id)).count, "no delivery fetched twice")
        #expect(Set(fetched.map(\.id)).union(streamed.map(\.id)) == Set(messages.map { $0.deliveries[0].id }))
        #expect((fetched + streamed).allSatisfy { $0.attempt == 1 })
        #expect(try await store.recorded(.delivered).allSatisfy { $0.attempt == 1 })
        #expect(try await store.fetch(.csc, at: t0 + 30.999).isEmpty)
    }

    static func oneFirstAcknowledgement(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        let delivery = message.deliveries[0].id
        let acknowledgements = try await withThrowingTaskGroup(of: Acknowledgement?.self) { group in
            for second in 1...8 { group.addTask { try await store.acknowledge(delivery: delivery, by: .csc, at: t0 + Double(second)) } }
            return try await group.reduce(into: [Acknowledgement?]()) { $0.append($1) }.compactMap { $0 }
        }
        #expect(acknowledgements.count == 8)
        #expect(acknowledgements.filter(\.isFirst).count == 1)
        let first = try #require(acknowledgements.first { $0.isFirst })
        #expect(acknowledgements.allSatisfy { $0.acknowledgedAt == first.acknowledgedAt })
        #expect(try await store.recorded(.acknowledged).map(\.at) == [first.acknowledgedAt])
    }

    static func settlementsHappenOnce(_ store: any Store) async throws {
        let expiring = newMessage(expiresAt: t0 + 60)
        let exhausted = newMessage(recipients: [.police])
        try await publishStored(expiring, to: store)
        try await publishStored(exhausted, to: store)
        _ = try await store.fetch(.police, at: t0 + 1, maxAttempts: 1)
        let events = [EventRecord(kind: .expired, at: t0 + 60, agency: .csc, messageID: expiring.id,
                                  deliveryID: expiring.deliveries[0].id, attempt: 0)]
        let settled = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try await store.settleExpiry(of: expiring.id, at: t0 + 60, events: events, notice: newNotice(at: t0 + 60))
                    return false
                }
                group.addTask {
                    try await store.deadLetter(deliveries: exhausted.deliveries.map(\.id), at: t0 + 60, events: [], notice: newNotice(at: t0 + 60))
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(settled.filter { $0 }.count == 1, "one dead-lettering succeeds")
        #expect(try await store.recorded(.expired) == events)
        #expect(try await store.fetch(.hospitals, at: t0 + 61).count == 2, "one notice each")
    }

    static func concurrentResendsAreReplays(_ store: any Store) async throws {
        let message = newMessage(recipients: [.csc, .police])
        let others = (0..<6).map { _ in newMessage() }
        let outcomes = try await withThrowingTaskGroup(of: (UUID, PublishOutcome).self) { group in
            for message in [message, message, message, message] + others {
                group.addTask { (message.id, try await store.publish(message)) }
            }
            return try await group.reduce(into: [(UUID, PublishOutcome)]()) { $0.append($1) }
        }
        let copies = outcomes.filter { $0.0 == message.id }.map(\.1)
        let stored = try #require(copies.compactMap(\.storedReceipt).first, "one copy is stored: \(copies)")
        #expect(copies.filter { $0 == .stored(stored) }.count == 1)
        #expect(copies.filter { $0 == .replayed(stored) }.count == 3, "the others answered with the stored copy's receipt")
        #expect(outcomes.filter { $0.0 != message.id }.allSatisfy { $0.1.storedReceipt != nil })
        let events = try await allEvents(store)
        #expect(events.filter { $0.event.kind == .published }.count == 1 + others.count, "stored once")
        #expect(events.map(\.index) == Array(0..<events.count))
        #expect(try await store.fetch(.police, at: t0 + 1).map(\.messageID) == [message.id], "one delivery to each recipient")
    }

    /// Publishes `messages` concurrently while calling `step` over and over from `start`, then
    /// calls it until it answers nil once the publishes are done; returns the last state.
    /// `step` answers the state with what it read next, or nil when there is nothing new.
    private static func follow<State: Sendable>(
        from start: State, whilePublishing messages: [NewMessage], to store: any Store,
        step: @escaping @Sendable (State) async throws -> State?
    ) async throws -> State {
        let followed = try await withThrowingTaskGroup(of: State?.self) { group in
            group.addTask {
                var state = start
                while !Task.isCancelled {
                    if let next = try await step(state) { state = next } else { await Task.yield() }
                }
                return state
            }
            group.addTask {
                try await withThrowingTaskGroup(of: Void.self) { publishers in
                    for message in messages { publishers.addTask { try await publishStored(message, to: store) } }
                    try await publishers.waitForAll()
                }
                return nil
            }
            _ = try await group.next()
            group.cancelAll()
            return try await group.next() ?? nil
        }
        var state = try #require(followed, "the follower stopped before the publishers")
        while let next = try await step(state) { state = next }
        return state
    }
}
