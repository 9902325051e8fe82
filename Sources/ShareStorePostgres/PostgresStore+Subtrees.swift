public import ShareAudit
import NIOCore
import PostgresNIO
import ShareStore

/// The stored Merkle tree: one row per complete subtree (`SubtreeID`), keyed by level and
/// index. Each call is one statement, so a set of subtrees is stored whole or not at all.
extension PostgresStore {
    public func storedTreeSize() async throws -> Int {
        try await select { [self] connection in
            try await connection.rows("SELECT coalesce(max(idx) + 1, 0) FROM subtrees WHERE level = 0", logger: logger)
                .first?.decode(Int.self) ?? 0
        }
    }

    public func subtrees(_ ids: [SubtreeID]) async throws -> [SubtreeID: Hash] {
        var binds = PostgresBindings(capacity: 2)
        binds.append(ids.map(\.level))
        binds.append(ids.map(\.index))
        let query = PostgresQuery(unsafeSQL: """
            SELECT s.level, s.idx, s.hash FROM unnest($1::bigint[], $2::bigint[]) AS q(level, idx)
            JOIN subtrees s ON s.level = q.level AND s.idx = q.idx
            """, binds: binds)
        return try await select { [self] connection in
            var found: [SubtreeID: Hash] = [:]
            for row in try await connection.rows(query, logger: logger) {
                let (level, index, hash) = try row.decode((Int, Int, ByteBuffer).self)
                found[SubtreeID(level: level, index: index)] = try Hash(bytes: hash.readableBytesView)
            }
            return found
        }
    }

    public func saveSubtrees(_ subtrees: [(id: SubtreeID, hash: Hash)]) async throws {
        var binds = PostgresBindings(capacity: 3)
        binds.append(subtrees.map { $0.id.level })
        binds.append(subtrees.map { $0.id.index })
        binds.append(subtrees.map { ByteBuffer(bytes: $0.hash.bytes) })
        let query = PostgresQuery(unsafeSQL: """
            INSERT INTO subtrees (level, idx, hash) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])
            ON CONFLICT (level, idx) DO NOTHING
            """, binds: binds)
        try await select { [self] connection in
            try await connection.rows(query, logger: logger)
        }
    }
}
