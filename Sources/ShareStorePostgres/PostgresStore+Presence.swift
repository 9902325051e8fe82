public import Foundation
import PostgresNIO
public import ShareModel
import ShareStore

/// Which node has delivery streams open for which agency (`stream_presence`), with leases
/// judged by the database server's clock, so that nodes whose clocks differ agree on them.
extension PostgresStore {
    /// The database server's clock now, in milliseconds since 1970, as SQL.
    private static let serverMillis = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    public func holdStreamPresence(node: UUID, agencies: Set<AgencyID>, lease: TimeInterval) async throws {
        // Lapsed rows of any node go first, each taken only if no other node is removing it,
        // so that two nodes clearing at once never wait on each other.
        try await select { [self] connection in
            try await connection.rows(PostgresQuery(unsafeSQL: """
                DELETE FROM stream_presence WHERE (node, agency) IN (
                    SELECT node, agency FROM stream_presence WHERE expires_at <= \(Self.serverMillis) FOR UPDATE SKIP LOCKED)
                """), logger: logger)
        }
        let names = agencies.map(\.rawValue).sorted()
        let leaseMillis = Int((lease * 1000).rounded())
        try await update { [self] connection in
            var removed = PostgresBindings(capacity: 1)
            removed.append(node)
            let before = try await connection.rows(PostgresQuery(unsafeSQL: """
                DELETE FROM stream_presence WHERE node = $1 RETURNING agency, expires_at > \(Self.serverMillis)
                """, binds: removed), logger: logger)
            var added = PostgresBindings(capacity: 3)
            added.append(node)
            added.append(names)
            added.append(leaseMillis)
            try await connection.rows(PostgresQuery(unsafeSQL: """
                INSERT INTO stream_presence (node, agency, expires_at)
                SELECT $1, agency, \(Self.serverMillis) + $3 FROM unnest($2::text[]) AS agency
                """, binds: added), logger: logger)
            let held = try before.compactMap { row -> String? in
                let (agency, live) = try row.decode((String, Bool).self)
                return live ? agency : nil
            }
            if Set(held) != Set(names) {
                try await ChangeNotice.send(.streamPresence, on: connection, logger: logger)
            }
        }
    }

    public func streamPresence(otherThan node: UUID) async throws -> [AgencyID: TimeInterval] {
        var binds = PostgresBindings(capacity: 1)
        binds.append(node)
        let query = PostgresQuery(unsafeSQL: """
            SELECT agency, max(expires_at) - \(Self.serverMillis) FROM stream_presence
            WHERE node <> $1 AND expires_at > \(Self.serverMillis) GROUP BY agency
            """, binds: binds)
        return try await select { [self] connection in
            var found: [AgencyID: TimeInterval] = [:]
            for row in try await connection.rows(query, logger: logger) {
                let (agency, remaining) = try row.decode((String, Int).self)
                if let agency = AgencyID(agency) { found[agency] = Double(remaining) / 1000 }
            }
            return found
        }
    }
}
