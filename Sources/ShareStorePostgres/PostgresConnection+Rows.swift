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

    /// Rolls back the transaction a statement failed in, unless `error` ended the connection
    /// (then the server has rolled it back already, and nothing must be sent).
    func rollBack(after error: any Error, logger: Logger) async {
        guard !isClosed, !PostgresFailure.isConnectionLost(error) else { return }
        _ = try? await rows("ROLLBACK", logger: logger)
    }
}

/// The connection closed before a statement could be sent on it.
struct ConnectionClosed: Error {}
