import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` and reads every row it answers, so that the connection is free for the next
    /// statement of the transaction.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRow] {
        try await self.query(query, logger: logger).collect()
    }
}
