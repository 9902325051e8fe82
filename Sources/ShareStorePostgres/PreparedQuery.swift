import Logging
import PostgresNIO

/// One of the store's fixed statements that runs on every publish, hand-out or
/// acknowledgement, sent as a named prepared statement: PostgreSQL parses, analyses and
/// (once its generic plan is chosen) plans it once per connection instead of at every call,
/// and the broker sends Bind and Execute only. postgres-nio prepares it on first use on each
/// connection, under the type's name.
///
/// Only statements whose plan does not depend on the values bound belong here; the SQL must
/// name each parameter's type (`$1::uuid[]`) so that the prepared types never depend on the
/// first call's values.
protocol PreparedQuery: PostgresPreparedStatement where Row == PostgresRow {
    /// The values for the statement's parameters, in order.
    var bindings: PostgresBindings { get throws }
}

extension PreparedQuery {
    func makeBindings() throws -> PostgresBindings { try bindings }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PostgresConnection {
    /// Runs the prepared `query` and reads every row it answers, as `rows(_:logger:)` does for
    /// an unnamed one.
    @discardableResult
    func rows<Query: PreparedQuery>(_ query: Query, logger: Logger) async throws -> [PostgresRow] {
        guard !isClosed else { throw ConnectionClosed() }
        var rows: [PostgresRow] = []
        for try await row in try await execute(query, logger: logger) {
            rows.append(row)
        }
        return rows
    }
}
