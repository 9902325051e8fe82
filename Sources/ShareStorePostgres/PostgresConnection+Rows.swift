import Logging
import PostgresNIO
import ShareStore

extension PostgresConnection {
    /// Runs `query` and reads every row it answers, so that the connection is free for the next
    /// statement of the transaction. Throws `ConnectionClosed` without sending anything on a
    /// connection that has closed: postgres-nio would drop a query written to a closed channel
    /// and never answer it.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        guard !isClosed else { throw ConnectionClosed() }
        return try await self.query(query, logger: logger).collect()
    }

    /// Sends `query` before returning and answers the task that reads its rows: statements sent
    /// one after another so go out in that order, each as soon as PostgreSQL has answered the one
    /// before (postgres-nio queues them on the connection), without waiting for this process.
    /// The task starts at once on this thread and sends before its first suspension
    /// (`Task.immediate`, and postgres-nio writes the query before it first awaits).
    func send(_ query: PostgresQuery, logger: Logger) -> Task<[PostgresRow], any Error> {
        Task.immediate { try await self.rows(query, logger: logger) }
    }

    /// Sends the prepared `query` as `send(_:logger:)` does an unnamed one.
    func send<Query: PreparedQuery>(_ query: Query, logger: Logger) -> Task<[PostgresRow], any Error> {
        Task.immediate { try await self.rows(query, logger: logger) }
    }

    /// Rolls back the transaction a statement failed in, unless `error` ended the connection
    /// (then the server has rolled it back already, and nothing must be sent).
    func rollBack(after error: any Error, logger: Logger) async {
        guard !isClosed, !PostgresFailure.isConnectionLost(error) else { return }
        _ = try? await rows("ROLLBACK", logger: logger)
    }
}

/// The connection closed before a statement could be sent on it.
struct ConnectionClosed: Error {}

/// A transaction's `COMMIT` failed: it may or may not have committed.
struct CommitFailed: Error {
    let error: any Error
}
