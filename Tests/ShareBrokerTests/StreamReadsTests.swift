import Foundation
import ShareBroker
import ShareLocking
import ShareModel
import ShareStore
import ShareStoreConformance
import Testing

/// Streams woken together read the store together: while one read is in flight, those that
/// ask meanwhile go in the next round trip, and each gets its own answer from the store.
@Suite("Streams' reads of the store, gathered")
struct StreamReadsTests {
    /// Reads a real store, recording the streams of each read; holds its first read until the
    /// test lets it go, and fails that first read instead (as a database outage would) when
    /// told to.
    final class Reader: Sendable {
        let store: any Store
        let failsFirst: Bool
        let batches = Locked<[[StreamCursor]]>([])
        private let started: AsyncStream<Void>
        private let startedNow: AsyncStream<Void>.Continuation
        private let gate: AsyncStream<Void>
        private let opened: AsyncStream<Void>.Continuation

        init(_ store: any Store, failsFirst: Bool = false) {
            self.store = store
            self.failsFirst = failsFirst
            (started, startedNow) = AsyncStream.makeStream()
            (gate, opened) = AsyncStream.makeStream()
        }

        func read(_ cursors: [StreamCursor]) async throws -> [[StreamCandidate]] {
            let isFirst = batches.withLock { batches in
                batches.append(cursors)
                return batches.count == 1
            }
            if isFirst {
                startedNow.yield()
                for await _ in gate { break }
                if failsFirst { throw StoreError(.unavailable, "The database is unreachable.") }
            }
            return try await store.streamCandidates(for: cursors, limit: 10, now: t0 + 1, maxAttempts: 10)
        }

        /// Asks `reads` for `first`, then, while that read is held, for each of `meanwhile`; then
        /// lets the reads go. The tasks asking, `first`'s first.
        func ask(_ reads: StreamReads, first: StreamCursor,
                 meanwhile: [StreamCursor]) async throws -> [Task<[StreamCandidate], any Error>] {
            let firstTask = Task { try await reads.candidates(for: first) }
            for await _ in started { break }
            let others = meanwhile.map { cursor in Task { try await reads.candidates(for: cursor) } }
            try await Task.sleep(for: .milliseconds(300))
            opened.yield()
            return [firstTask] + others
        }
    }

    /// Three deliveries to children's social care and one to the police; the sequences of the first.
    static func publishFour(to store: any Store) async throws -> [Int] {
        for _ in 0..<3 { try await publishStored(newMessage(recipients: [.csc]), to: store) }
        try await publishStored(newMessage(recipients: [.police]), to: store)
        return try await store.streamCandidates(for: .csc, after: 0, limit: 10, now: t0 + 1, maxAttempts: 10).map(\.delivery.sequence)
    }

    @Test("streams that ask while a read is in flight share the next read, and each gets the deliveries after its own sequence")
    func askersMeanwhileShareOneRead() async throws {
        try await withStore { store, _ in
            let csc = try await Self.publishFour(to: store)
            let reader = Reader(store)
            let reads = StreamReads(read: reader.read)
            let meanwhile = [StreamCursor(agency: .csc, after: 0), StreamCursor(agency: .csc, after: csc[0]),
                             StreamCursor(agency: .csc, after: csc[2]), StreamCursor(agency: .police, after: 0)]
            let tasks = try await reader.ask(reads, first: StreamCursor(agency: .csc, after: csc[1]), meanwhile: meanwhile)

            var answers: [[Int]] = []
            for task in tasks { answers.append(try await task.value.map(\.delivery.sequence)) }
            #expect(answers[0] == [csc[2]])
            #expect(Array(answers[1...3]) == [csc, [csc[1], csc[2]], []], "each its own, after its own sequence")
            #expect(answers[4].count == 1 && !csc.contains(answers[4][0]), "the police's own delivery")
            for (cursor, answer) in zip(meanwhile, answers.dropFirst()) {
                let alone = try await store.streamCandidates(for: cursor.agency, after: cursor.after, limit: 10, now: t0 + 1, maxAttempts: 10)
                #expect(answer == alone.map(\.delivery.sequence), "what the stream reads alone")
            }
            #expect(reader.batches.withLock { $0 }.map(\.count) == [1, 4], "the four that asked meanwhile went in one read")
        }
    }

    @Test("a read that fails fails the streams it was for, and the streams that asked meanwhile are read for next")
    func failureReachesItsBatchOnly() async throws {
        try await withStore { store, _ in
            let csc = try await Self.publishFour(to: store)
            let reader = Reader(store, failsFirst: true)
            let reads = StreamReads(read: reader.read)
            let tasks = try await reader.ask(reads, first: StreamCursor(agency: .csc, after: 0),
                                             meanwhile: [StreamCursor(agency: .csc, after: csc[0])])

            await #expect(throws: StoreError.self, "the read it was in failed") { try await tasks[0].value }
            #expect(try await tasks[1].value.map(\.delivery.sequence) == [csc[1], csc[2]], "read next, and answered")
            #expect(try await reads.candidates(for: StreamCursor(agency: .csc, after: csc[1])).map(\.delivery.sequence) == [csc[2]],
                    "a later read goes on its own")
        }
    }
}
