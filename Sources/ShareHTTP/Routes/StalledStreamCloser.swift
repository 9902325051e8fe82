import NIOCore
import ShareBroker
import ShareLocking

/// Closes the connections of the streams still open a grace period after the broker begins to
/// stop. A stream ends by itself when the broker stops, unless its client stopped reading and a
/// write is waiting: closing the connection makes that write fail, so the shutdown is not
/// held. One task watches for the stop on behalf of every stream, rather than a task per
/// stream waiting all its life for a stop that comes once.
final class StalledStreamCloser: Sendable {
    private struct State {
        var open: [Int: any Channel] = [:]
        var nextID = 0
        /// Set once the grace period has passed: a stream that opens later is closed at once.
        var closing = false
    }

    private let state = Locked(State())

    /// Starts the watch: `grace` after `broker` begins to stop, every stream still open is closed.
    init(broker: Broker, grace: Duration) {
        let state = self.state
        Task {
            await broker.untilStopping()
            try? await Task.sleep(for: grace)
            let stalled = state.withLock { state in
                state.closing = true
                return Array(state.open.values)
            }
            stalled.forEach { $0.closeBeneathTLS() }
        }
    }

    /// Runs `body`, the stream written on `channel`, closing the channel if `body` is still
    /// running when the grace period after the stop has passed.
    func watching(_ channel: any Channel, _ body: () async throws -> Void) async throws {
        let id = state.withLock { state -> Int? in
            guard !state.closing else { return nil }
            state.nextID += 1
            state.open[state.nextID] = channel
            return state.nextID
        }
        guard let id else {
            channel.closeBeneathTLS()
            return
        }
        defer { _ = state.withLock { $0.open.removeValue(forKey: id) } }
        try await body()
    }
}
