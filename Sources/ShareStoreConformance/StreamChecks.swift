import Foundation
import ShareModel
import ShareStore
import Testing

/// `streamDeliveries` and `streamCandidates`: sequence order, re-sends under the same attempt,
/// and hand-outs made as a message is published.
enum StreamChecks {
    static let all = [
        StoreCheck("streamDeliveries hands out after a sequence, in sequence order, skipping acknowledged and expired deliveries",
                   handsOutAfterSequence),
        StoreCheck("streamDeliveries re-sends a delivery still hidden as its last hand-out (attempt and time), without extending its visibility",
                   resendsUnderSameAttempt),
        StoreCheck("streamDeliveries re-sends a hidden delivery at maxAttempts, and once visible hands it out no more",
                   resendsAtMaxAttempts),
        StoreCheck("streamCandidates reads what streamDeliveries would hand out, changing and recording nothing",
                   candidatesChangeNothing),
        StoreCheck("streamCandidates marks a hand-out made at publish while it is the latest and still hides the delivery",
                   candidatesMarkHandOutAtPublish),
        StoreCheck("streamCandidates reads several streams in one call, each as it reads alone, in the order given",
                   candidatesForSeveralStreams),
        StoreCheck("publish places each hand-out at publish it reports after the recipient's latest unacknowledged delivery",
                   placesHandOutsInSequence),
    ]

    static func handsOutAfterSequence(_ store: any Store) async throws {
        let messages = (0..<4).map { newMessage(receivedAt: t0 + Double($0)) }
        let expiring = newMessage(receivedAt: t0 + 4, expiresAt: t0 + 20)
        for message in messages + [expiring] { try await publishStored(message, to: store) }
        try await publishStored(newMessage(recipients: [.police], receivedAt: t0 + 5), to: store)
        _ = try await store.fetch(.csc, at: t0 + 10, limit: 1)
        _ = try await store.acknowledge(delivery: messages[1].deliveries[0].id, by: .csc, at: t0 + 10)

        let all = try await store.stream(.csc, at: t0 + 11)
        #expect(all.map(\.messageID) == [messages[0].id, messages[2].id, messages[3].id, expiring.id],
                "a delivery out on an inbox fetch is streamed too; an acknowledged one is not")
        #expect(all.map(\.attempt) == [1, 1, 1, 1], "the one out on an inbox fetch is still hidden: no new attempt")
        #expect(all.map(\.deliveredAt) == [t0 + 10, t0 + 11, t0 + 11, t0 + 11], "the one out on an inbox fetch as the fetch handed it out")
        #expect(all.map(\.sequence) == all.map(\.sequence).sorted() && Set(all.map(\.sequence)).count == all.count)
        #expect(try await store.fetch(.csc, at: t0 + 12).isEmpty, "streamed deliveries are hidden from the inbox")

        let rest = try await store.stream(.csc, after: all[1].sequence, at: t0 + 20)
        #expect(rest.map(\.messageID) == [messages[3].id], "after the given sequence, without the expired one")
        #expect(try await store.stream(.csc, after: all[0].sequence, at: t0 + 21, limit: 1).map(\.messageID) == [messages[2].id])
        #expect(try await store.recorded(.delivered).count == 7, "one delivered event per hand-out: 1 fetched, 4 + 1 + 1 streamed")
    }

    static func resendsUnderSameAttempt(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        let first = try await store.stream(.csc, at: t0 + 1)
        #expect(first.map(\.attempt) == [1])
        let resent = try await store.stream(.csc, at: t0 + 5)
        #expect(resent.map(\.id) == first.map(\.id))
        #expect(resent.map(\.attempt) == [1], "an attempt is counted at most once per visibility period")
        #expect(resent.map(\.deliveredAt) == [t0 + 1], "shown as delivered when the attempt was handed out")
        #expect(try await store.fetch(.csc, at: t0 + 30.999).isEmpty)
        #expect(try await store.fetch(.csc, at: t0 + 31).map(\.attempt) == [2], "the re-send did not extend the visibility")
        #expect(try await store.recorded(.delivered).map(\.attempt) == [1, 1, 2])
        #expect(try await store.status(of: message, at: t0 + 32)?.deliveries.map(\.attempts) == [2])
    }

    static func resendsAtMaxAttempts(_ store: any Store) async throws {
        let message = newMessage()
        try await publishStored(message, to: store)
        #expect(try await store.fetch(.csc, at: t0 + 1, maxAttempts: 1).map(\.attempt) == [1])
        #expect(try await store.stream(.csc, at: t0 + 2, maxAttempts: 1).map(\.attempt) == [1], "still hidden: sent again")
        #expect(try await store.stream(.csc, at: t0 + 31, maxAttempts: 1).isEmpty, "visible and used up")
    }

    static func candidatesChangeNothing(_ store: any Store) async throws {
        let messages = (0..<3).map { newMessage(receivedAt: t0 + Double($0)) }
        for message in messages { try await publishStored(message, to: store) }
        _ = try await store.acknowledge(delivery: messages[1].deliveries[0].id, by: .csc, at: t0 + 3)
        let before = try await allEvents(store)
        let candidates = try await store.streamCandidates(for: .csc, after: 0, limit: 10, now: t0 + 4, maxAttempts: 10)
        #expect(candidates.map(\.delivery.messageID) == [messages[0].id, messages[2].id])
        #expect(candidates.map(\.handedOutAtPublish) == [false, false])
        #expect(candidates.map(\.delivery.attempt) == [0, 0], "the count so far")
        #expect(try await allEvents(store) == before, "nothing recorded")
        let later = try await store.streamCandidates(for: .csc, after: candidates[0].delivery.sequence, limit: 1, now: t0 + 5,
                                                     maxAttempts: 10)
        #expect(later.map(\.delivery.messageID) == [messages[2].id])
        let streamed = try await store.stream(.csc, at: t0 + 6)
        #expect(streamed.map(\.id) == candidates.map(\.delivery.id), "the same deliveries, still there to hand out")
        #expect(streamed.map(\.attempt) == [1, 1])
    }

    static func candidatesMarkHandOutAtPublish(_ store: any Store) async throws {
        let streamed = newMessage(handedOutUntil: [.csc: t0 + 30])
        let waiting = newMessage(receivedAt: t0 + 1)
        try await publishStored(streamed, to: store)
        try await publishStored(waiting, to: store)
        func candidates(at now: Date) async throws -> [StreamCandidate] {
            try await store.streamCandidates(for: .csc, after: 0, limit: 10, now: now, maxAttempts: 10)
        }
        let current = try await candidates(at: t0 + 2)
        #expect(current.map(\.delivery.messageID) == [streamed.id, waiting.id])
        #expect(current.map(\.handedOutAtPublish) == [true, false])
        #expect(current[0].delivery.attempt == 1 && current[0].delivery.deliveredAt == t0, "the hand-out made at publish")

        _ = try await store.fetch(.csc, at: t0 + 3)
        #expect(try await candidates(at: t0 + 4).map(\.handedOutAtPublish) == [true, false],
                "a delivery hidden by a fetch was not handed out at publish")
        #expect(try await candidates(at: t0 + 30).map(\.handedOutAtPublish) == [false, false], "its visibility has ended")
        _ = try await store.fetch(.csc, at: t0 + 30)
        #expect(try await candidates(at: t0 + 31).map(\.handedOutAtPublish) == [false, false],
                "handed out again since: no longer the latest hand-out")
    }

    static func candidatesForSeveralStreams(_ store: any Store) async throws {
        let messages = (0..<3).map { newMessage(recipients: [.csc, .police], jws: Data("eyJhbGciOiJFUzI1NiJ9.\($0).c2ln".utf8),
                                                receivedAt: t0 + Double($0), handedOutUntil: $0 == 0 ? [.police: t0 + 30] : [:]) }
        for message in messages { try await publishStored(message, to: store) }
        let first = try await store.streamCandidates(for: .csc, after: 0, limit: 1, now: t0 + 4, maxAttempts: 10)[0].delivery.sequence
        let streams = [StreamCursor(agency: .police, after: 0), StreamCursor(agency: .csc, after: first),
                       StreamCursor(agency: .hospitals, after: 0), StreamCursor(agency: .csc, after: 0)]
        let together = try await store.streamCandidates(for: streams, limit: 2, now: t0 + 4, maxAttempts: 10)
        var alone: [[StreamCandidate]] = []
        for stream in streams {
            alone.append(try await store.streamCandidates(for: stream.agency, after: stream.after, limit: 2, now: t0 + 4, maxAttempts: 10))
        }
        #expect(together == alone, "the same candidates as each stream's own read")
        #expect(together.map { $0.map(\.delivery.messageID) }
                    == [[messages[0].id, messages[1].id], [messages[1].id, messages[2].id], [], [messages[0].id, messages[1].id]],
                "each stream's own, after its own sequence, at most the limit, in the order the streams were given")
        #expect(together[0].map(\.handedOutAtPublish) == [true, false], "marked per recipient")
        let jws = Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0.jws) })
        #expect(together.joined().allSatisfy { jws[$0.delivery.messageID] == $0.delivery.jws },
                "each with its own message, a message read for several streams at once as for one")
        #expect(try await store.streamCandidates(for: [], limit: 2, now: t0 + 4, maxAttempts: 10).isEmpty)
    }

    /// A store reports each hand-out at publish placed exactly in its recipient's sequence, or
    /// a stream fed from the publish would skip or repeat a delivery.
    static func placesHandOutsInSequence(_ store: any Store) async throws {
        func published(_ message: NewMessage) async throws -> [StreamHandOut] {
            let outcome = try await store.publish(message)
            guard case .stored(_, let handedOut) = outcome else {
                Issue.record("not stored: \(outcome)")
                return []
            }
            return handedOut
        }
        let first = newMessage(recipients: [.csc, .police], handedOutUntil: [.csc: t0 + 30])
        let firstHandOuts = try await published(first)
        func sequence(of message: NewMessage) async throws -> Int {
            let candidates = try await store.streamCandidates(for: .csc, after: 0, limit: 100, now: t0 + 1, maxAttempts: 10)
            return try #require(candidates.first { $0.delivery.messageID == message.id }).delivery.sequence
        }
        #expect(firstHandOuts == [StreamHandOut(deliveryID: first.deliveries[0].id, recipient: .csc,
                                                sequence: try await sequence(of: first), previous: 0)],
                "only the delivery handed out, numbered as streams read it, with no delivery before it")

        let waiting = newMessage()
        try await publishStored(waiting, to: store)
        let second = newMessage(handedOutUntil: [.csc: t0 + 30])
        #expect(try await published(second).map(\.previous) == [try await sequence(of: waiting)],
                "after the delivery not handed out at publish")

        _ = try await store.acknowledge(delivery: second.deliveries[0].id, by: .csc, at: t0 + 2)
        _ = try await store.acknowledge(delivery: waiting.deliveries[0].id, by: .csc, at: t0 + 2)
        let third = newMessage(handedOutUntil: [.csc: t0 + 30])
        #expect(try await published(third).map(\.previous) == [try await sequence(of: first)],
                "acknowledged deliveries are passed over")
        let batch = [newMessage(handedOutUntil: [.csc: t0 + 30]), newMessage(handedOutUntil: [.csc: t0 + 30])]
        let handOuts = try await store.publish(batch).flatMap { outcome -> [StreamHandOut] in
            if case .stored(_, let handedOut) = outcome { return handedOut }
            return []
        }
        #expect(handOuts.map(\.previous) == [try await sequence(of: third), try await sequence(of: batch[0])],
                "in one transaction, each after the one before")
        #expect(handOuts.map(\.sequence) == [try await sequence(of: batch[0]), try await sequence(of: batch[1])])
    }
}
