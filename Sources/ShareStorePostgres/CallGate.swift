import ShareLocking
import ShareStore

/// Lets calls into the store while it is open, and lets `close()` wait for those under way:
/// a call that starts after closing began throws `StoreError.closed`.
final class CallGate: Sendable {
    private struct State {
        var closed = false
        var running = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Locked(State())

    /// Runs `body` as one call; throws `StoreError.closed` without running it once closing began.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        try state.withLock { state in
            guard !state.closed else { throw StoreError(.closed, "The store is shutting down.") }
            state.running += 1
        }
        defer { leave() }
        return try await body()
    }

    /// Whether closing has begun.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Refuses new calls and returns once every call under way has finished.
    func close() async {
        await withCheckedContinuation { continuation in
            let finished = state.withLock { state -> Bool in
                state.closed = true
                guard state.running > 0 else { return true }
                state.waiting.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    private func leave() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiting = [] }
            return state.waiting
        }
        waiting.forEach { $0.resume() }
    }
}
