public import Foundation
import PostgresNIO

extension PostgresStore {
    /// The database server's clock now, to the microsecond: the one clock every node of a
    /// cluster can read, which they follow (see `CorrectedClock`) so that they agree on time.
    public func serverTime() async throws -> Date {
        try await select { [self] connection in
            let rows = try await connection.rows(
                "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint", logger: logger)
            guard let micros = try rows.first?.decode(Int.self) else {
                throw PostgresTimeError()
            }
            return Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        }
    }
}

/// The server answered the time query with no row.
private struct PostgresTimeError: Error, CustomStringConvertible {
    var description: String { "The database did not tell its time." }
}
