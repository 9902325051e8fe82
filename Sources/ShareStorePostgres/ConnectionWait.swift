import ShareLocking
import ShareStore

/// One call's wait for a pooled connection, which either the call ends by getting its
/// connection or a watchdog ends by giving up, never both: a call that has its connection
/// runs to its end, and one given up on never starts its transaction.
final class ConnectionWait: Sendable {
    private enum State {
        case waiting, leased, abandoned
    }

    private let state = Locked(State.waiting)

    /// Called with the connection in hand; throws if the wait was given up meanwhile.
    func leased() throws {
        try state.withLock { state in
            if state == .abandoned { throw StoreError(.unavailable, "The wait for a PostgreSQL connection was given up.") }
            state = .leased
        }
    }

    /// Gives the wait up, unless the connection came first; whether it was given up.
    func abandon() -> Bool {
        state.withLock { state in
            guard state == .waiting else { return false }
            state = .abandoned
            return true
        }
    }

    var isAbandoned: Bool { state.withLock { $0 == .abandoned } }
}
