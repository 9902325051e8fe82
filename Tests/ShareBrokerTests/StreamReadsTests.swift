import Foundation
import ShareBroker
import ShareLocking
import ShareModel
import ShareStore
import ShareStoreConformance
import Testing

/// Streams woken together read the store together: while one read is in flight, those that
/// ask meanwhile go in the next round trip, and each gets its own answer.
@Suite("Streams' reads of the store, gathered")
struct StreamReadsTests {
    /// A read that answers each cursor with one candidate numbered after it, records the batches
    /// it was given, holds its first read until `release` is called, and fails any batch with
    /// `.police` in it.
    final class Reader: Sendable {
        let batches = Locked<[[StreamCursor]]>([])
        let started: AsyncStream<Void>
        private let startedNow: AsyncStream<Void>.Continuation
        private let gate: AsyncStream<Void>
        private let opened: AsyncStream<Void>.Continuation

        init() {
            (started, startedNow) = AsyncStream.makeStream()
            (gate, opened) = AsyncStream.makeStream()
        }

        func release() {
            opened.yield()
        }

        func read(_ cursors: [StreamCursor]) async throws -> [[StreamCandidate]] {
            let isFirst = batches.withLock { batches in
                batches.append(cursors)
                return batches.count == 1
            }
            if isFirst {
                startedNow.yield()
                for await _ in gate { break }
            }
            if cursors.contains(where: { $0.agency == .police }) {
                throw StoreError(.unavailable, "The database is unreachable.")
            }
            return cursors.map { [Self.candidate(after: $0.after)] }
        }

        /// Asks `reads` for `first`, then, while that read is held, for each of `meanwhile`; then
        /// lets the reads go. The tasks asking, `first`'s first.
        func ask(_ reads: StreamReads, first: StreamCursor,
                 meanwhile: [StreamCursor]) async throws -> [Task<[StreamCandidate], any Error>] {
            let firstTask = Task { try await reads.candidates(for: first) }
            for await _ in started { break }
            let others = meanwhile.map { cursor in Task { try await reads.candidates(for: cursor) } }
            try await Task.sleep(for: .milliseconds(300))
            release()
            return [firstTask] + others
        }

        static func candidate(after sequence: Int) -> StreamCandidate {
            StreamCandidate(delivery: InboxDelivery(
                id: UUID(), sequence: sequence + 1, messageID: UUID(), type: "relevant-history/1", sender: .hospitals,
                jws: Data(), attempt: 1, createdAt: t0, deliveredAt: t0, expiresAt: nil, respondBy: nil), handedOutAtPublish: true)
        }
    }

    @Test("streams that ask while a read is in flight share the next read, and each gets the candidates after its own sequence")
    func askersMeanwhileShareOneRead() async throws {
        let reader = Reader()
        let reads = StreamReads(read: reader.read)
        let tasks = try await reader.ask(reads, first: StreamCursor(agency: .csc, after: 100),
                                         meanwhile: (0..<9).map { StreamCursor(agency: .csc, after: $0) })

        #expect(try await tasks[0].value.map(\.delivery.sequence) == [101])
        for (index, task) in tasks.dropFirst().enumerated() {
            #expect(try await task.value.map(\.delivery.sequence) == [index + 1], "its own answer, not another stream's")
        }
        let batches = reader.batches.withLock { $0 }
        #expect(batches.map(\.count) == [1, 9], "the nine that asked meanwhile went in one read")
        #expect(Set(batches[1].map(\.after)) == Set(0..<9))
        #expect(try await reads.candidates(for: StreamCursor(agency: .csc, after: 7)).map(\.delivery.sequence) == [8],
                "a later read goes on its own")
    }

    @Test("a read that fails fails each stream it was for, and the streams asking after it read again")
    func failureReachesItsBatchOnly() async throws {
        let reader = Reader()
        let reads = StreamReads(read: reader.read)
        let tasks = try await reader.ask(reads, first: StreamCursor(agency: .police, after: 0),
                                         meanwhile: [StreamCursor(agency: .police, after: 1), StreamCursor(agency: .csc, after: 2)])

        await #expect(throws: StoreError.self) { try await tasks[0].value }
        for task in tasks.dropFirst() {
            await #expect(throws: StoreError.self, "read with a stream whose read failed") { try await task.value }
        }
        #expect(try await reads.candidates(for: StreamCursor(agency: .csc, after: 3)).map(\.delivery.sequence) == [4],
                "the next read is made")
    }
}
