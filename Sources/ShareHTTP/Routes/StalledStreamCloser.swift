import NIOCore
import ShareBroker
import ShareLocking

/// Closes the connections of the streams still open a grace period after the broker begins to
/// stop. A stream ends by itself when the broker stops, unless its client stopped reading and a
/// write is waiting: closing the connection makes that write fail, so the shutdown is not
/// held. Nothing waits for the stop meanwhile: the broker runs this closer's action when it
/// begins to stop (`Broker.whenStopping`), which sets a timer on each open stream's event loop.
final class StalledStreamCloser: Sendable {
    private struct State {
        var open: [Int: any Channel] = [:]
        var nextID = 0
        /// Set once the broker began to stop: a stream that opens later is closed after the grace period too.
        var stopping = false
    }

    private let state = Locked(State())
    private let grace: Duration

    /// Watches the streams written through this closer: from `broker`'s stop, `grace` is left
    /// them before their connections are closed.
    init(broker: Broker, grace: Duration) {
        self.grace = grace
        let state = self.state
        broker.whenStopping {
            let open = state.withLock { state in
                state.stopping = true
                return state.open
            }
            for (id, channel) in open { Self.close(channel, id: id, after: grace, unless: state) }
        }
    }

    /// Runs `body`, the stream written on `channel`, closing the channel if `body` is still
    /// running when the grace period after the stop has passed.
    func watching(_ channel: any Channel, _ body: () async throws -> Void) async throws {
        let (id, stopping) = state.withLock { state in
            state.nextID += 1
            state.open[state.nextID] = channel
            return (state.nextID, state.stopping)
        }
        if stopping { Self.close(channel, id: id, after: grace, unless: state) }
        defer { _ = state.withLock { $0.open.removeValue(forKey: id) } }
        try await body()
    }

    /// Closes `channel` after `grace`, on its event loop, if its stream `id` is still open then.
    private static func close(_ channel: any Channel, id: Int, after grace: Duration, unless state: Locked<State>) {
        channel.eventLoop.scheduleTask(in: TimeAmount(grace)) {
            if state.withLock({ $0.open[id] != nil }) { channel.closeBeneathTLS() }
        }
    }
}
