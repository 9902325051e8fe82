public import ShareAudit
import NIOCore
import PostgresNIO
import ShareStore

/// The stored Merkle tree: one row per block of eight subtree hashes (`SubtreeBlock`), keyed
/// by band and index, the hashes side by side. Each call is one statement, so a set of blocks
/// is stored whole or not at all.
extension PostgresStore {
    public func storedTreeSize() async throws -> Int {
        try await select { [self] connection in
            try await connection.rows("""
                SELECT idx * \(SubtreeBlockID.width) + length(hashes) / \(Hash.byteCount) FROM subtree_blocks
                WHERE band = 0 ORDER BY idx DESC LIMIT 1
                """, logger: logger)
                .first?.decode(Int.self) ?? 0
        }
    }

    public func subtreeBlocks(_ ids: [SubtreeBlockID]) async throws -> [SubtreeBlockID: SubtreeBlock] {
        var binds = PostgresBindings(capacity: 2)
        binds.append(ids.map(\.band))
        binds.append(ids.map(\.index))
        let query = PostgresQuery(unsafeSQL: """
            SELECT b.band, b.idx, b.hashes FROM unnest($1::bigint[], $2::bigint[]) AS q(band, idx)
            JOIN subtree_blocks b ON b.band = q.band AND b.idx = q.idx
            """, binds: binds)
        return try await select { [self] connection in
            var found: [SubtreeBlockID: SubtreeBlock] = [:]
            for row in try await connection.rows(query, logger: logger) {
                let (band, index, hashes) = try row.decode((Int, Int, ByteBuffer).self)
                let id = SubtreeBlockID(band: band, index: index)
                found[id] = try SubtreeBlock(id: id, bytes: hashes.readableBytesView)
            }
            return found
        }
    }

    public func saveSubtreeBlocks(_ blocks: [SubtreeBlock]) async throws {
        var binds = PostgresBindings(capacity: 3)
        binds.append(blocks.map(\.id.band))
        binds.append(blocks.map(\.id.index))
        binds.append(blocks.map { ByteBuffer(bytes: $0.bytes) })
        let query = PostgresQuery(unsafeSQL: """
            INSERT INTO subtree_blocks AS b (band, idx, hashes)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])
            ON CONFLICT (band, idx) DO UPDATE SET hashes = excluded.hashes
            WHERE length(excluded.hashes) > length(b.hashes)
              AND substring(excluded.hashes FROM 1 FOR length(b.hashes)) = b.hashes
            """, binds: binds)
        try await select { [self] connection in
            try await connection.rows(query, logger: logger)
        }
    }
}
