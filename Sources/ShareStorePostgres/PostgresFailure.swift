import PostgresNIO
import ShareStore

/// How PostgreSQL's and the pool's errors become `StoreError`s. A reason names an SQLSTATE, a
/// constraint or a client error code, never a value: no message content, no password.
enum PostgresFailure {
    /// Whether the transaction failed only because of other transactions (a deadlock or a
    /// serialization failure): PostgreSQL rolled it back, and trying again may succeed.
    static func isContention(_ error: any Error) -> Bool {
        ["40001", "40P01"].contains(sqlState(of: error))
    }

    /// Whether the transaction stored a key that is taken (perhaps by a transaction that
    /// committed meanwhile, such as a publish of the same message from another node).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        sqlState(of: error) == "23505"
    }

    /// Whether the connection is gone with the error: a client-side connection failure, or a
    /// server error of severity FATAL or PANIC (such as the backend being terminated).
    static func isConnectionLost(_ error: any Error) -> Bool {
        if error is ConnectionClosed { return true }
        guard let psql = error as? PSQLError else { return false }
        guard psql.code == .server else { return true }
        return ["FATAL", "PANIC"].contains(psql.serverInfo?[.severity])
    }

    /// The `StoreError` for a failed call, which stored nothing.
    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if error is ConnectionClosed { return StoreError(.unavailable, "The connection to PostgreSQL closed; nothing was stored.") }
        guard let psql = error as? PSQLError else {
            return StoreError(.unavailable, "PostgreSQL could not be used (\(type(of: error))); nothing was stored.")
        }
        if psql.code == .poolClosed { return StoreError(.closed, "The store is shutting down.") }
        guard psql.code == .server, let state = psql.serverInfo?[.sqlState] else {
            return StoreError(.unavailable, "PostgreSQL cannot be reached (\(psql.code)); nothing was stored.")
        }
        if isUniqueViolation(psql) {
            let constraint = psql.serverInfo?[.constraintName] ?? "unknown"
            return StoreError(.unavailable, "An id the call would store is taken (constraint \(constraint)); nothing was stored.")
        }
        return StoreError(.unavailable, "PostgreSQL refused the transaction (SQLSTATE \(state)); nothing was stored.")
    }

    private static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }
}
