import ShareLocking
import ShareStore

/// One call's wait for a pooled connection, which either the call ends by getting its
/// connection or a watchdog ends by giving up, never both: a call that has its connection
/// runs to its end, and one given up on never starts its transaction. A connection found
/// closed before the call did anything on it does not end the wait (`released()`).
final class ConnectionWait: Sendable {
    private enum State {
        /// `pastLimit`: the watchdog came while the call held a connection.
        case waiting, leased(pastLimit: Bool), abandoned
    }

    private let state = Locked(State.waiting)

    /// Called with the connection in hand; throws if the wait was given up meanwhile.
    func leased() throws {
        try state.withLock { state in
            if case .abandoned = state { throw Self.givenUp }
            state = .leased(pastLimit: false)
        }
    }

    /// Called when the leased connection was found closed before the call did anything on it:
    /// the call waits for another, unless its limit passed meanwhile, when it is given up now.
    func released() throws {
        try state.withLock { state in
            guard case .leased(let pastLimit) = state else { return }
            guard !pastLimit else {
                state = .abandoned
                throw Self.givenUp
            }
            state = .waiting
        }
    }

    /// Gives the wait up, unless the connection came first; whether it was given up.
    func abandon() -> Bool {
        state.withLock { state in
            switch state {
            case .waiting:
                state = .abandoned
                return true
            case .leased:
                state = .leased(pastLimit: true)
                return false
            case .abandoned:
                return false
            }
        }
    }

    var isAbandoned: Bool {
        state.withLock { state in
            if case .abandoned = state { return true }
            return false
        }
    }

    private static let givenUp = StoreError(.unavailable, "The wait for a PostgreSQL connection was given up.")
}
