import ShareLocking
package import ShareStore

/// The streams' reads of the store (`Store.streamCandidates`), gathered: while one read is in
/// flight, the streams that ask meanwhile wait and then go together in the next, one round
/// trip for them all. A delivery published to many agencies that stream on this process wakes
/// all their streams at once; without this each would read the store on its own (on another
/// node than the publisher's, each delivery's stream reads).
package final class StreamReads: Sendable {
    /// One stream's read, waiting for its turn.
    private struct Request {
        let cursor: StreamCursor
        let answer: CheckedContinuation<[StreamCandidate], any Error>
    }

    private struct State {
        var waiting: [Request] = []
        var reading = false
    }

    /// The most streams read in one round trip.
    static let mostPerRead = 64

    private let state = Locked(State())
    private let read: @Sendable ([StreamCursor]) async throws -> [[StreamCandidate]]

    /// Reads with `read`, which answers each cursor given, in order.
    package init(read: @escaping @Sendable ([StreamCursor]) async throws -> [[StreamCandidate]]) {
        self.read = read
    }

    /// The candidates of one stream, read together with those of the streams asking with it.
    package func candidates(for cursor: StreamCursor) async throws -> [StreamCandidate] {
        try await withCheckedThrowingContinuation { answer in
            let starts = state.withLock { state -> Bool in
                state.waiting.append(Request(cursor: cursor, answer: answer))
                guard !state.reading else { return false }
                state.reading = true
                return true
            }
            if starts {
                Task { await readWhileWaiting() }
            }
        }
    }

    /// Reads for the waiting streams, a batch at a time, until none waits.
    private func readWhileWaiting() async {
        while let batch = nextBatch() {
            do {
                let answers = try await read(batch.map(\.cursor))
                guard answers.count == batch.count else {
                    throw StoreError(.unavailable, "The store answered \(answers.count) of \(batch.count) streams' reads.")
                }
                for (request, candidates) in zip(batch, answers) {
                    request.answer.resume(returning: candidates)
                }
            } catch {
                batch.forEach { $0.answer.resume(throwing: error) }
            }
        }
    }

    /// The next streams to read for, or nil (and no read in flight) when none waits.
    private func nextBatch() -> [Request]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.reading = false
                return nil
            }
            let batch = Array(state.waiting.prefix(Self.mostPerRead))
            state.waiting.removeFirst(batch.count)
            return batch
        }
    }
}
