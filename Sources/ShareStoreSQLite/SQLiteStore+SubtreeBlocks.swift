import Foundation
public import ShareAudit
import ShareStore

/// The stored Merkle tree: one row per block of eight subtree hashes (`SubtreeBlock`), keyed
/// by band and index, the hashes side by side.
extension SQLiteStore {
    public func storedTreeSize() async throws -> Int {
        try await reader.run { connection in
            let select = try connection.statement("""
                SELECT idx * \(SubtreeBlockID.width) + length(hashes) / \(Hash.byteCount) FROM subtree_blocks
                WHERE band = 0 ORDER BY idx DESC LIMIT 1
                """)
            return try select.step() ? select.int(0) : 0
        }
    }

    /// Reads each run of consecutive indices of a band with one range scan, so that a check
    /// reading every block of a chunk of entries makes a few dozen scans, not one per block.
    public func subtreeBlocks(_ ids: [SubtreeBlockID]) async throws -> [SubtreeBlockID: SubtreeBlock] {
        try await reader.run { connection in
            let select = try connection.statement("SELECT idx, hashes FROM subtree_blocks WHERE band = ? AND idx >= ? AND idx < ?")
            var found: [SubtreeBlockID: SubtreeBlock] = [:]
            for (band, blocks) in Dictionary(grouping: ids, by: \.band) {
                let indices = blocks.map(\.index).sorted()
                var first = 0
                while first < indices.count {
                    var last = first
                    while last + 1 < indices.count, indices[last + 1] <= indices[last] + 1 { last += 1 }
                    select.reset()
                    try select.bind(band, indices[first], indices[last] + 1)
                    while try select.step() {
                        let id = SubtreeBlockID(band: band, index: select.int(0))
                        found[id] = try SubtreeBlock(id: id, bytes: select.data(1))
                    }
                    first = last + 1
                }
            }
            return found
        }
    }

    public func saveSubtreeBlocks(_ blocks: [SubtreeBlock]) async throws {
        try await writer.run { connection in
            let upsert = try connection.statement("""
                INSERT INTO subtree_blocks (band, idx, hashes) VALUES (?, ?, ?)
                ON CONFLICT (band, idx) DO UPDATE SET hashes = excluded.hashes
                WHERE length(excluded.hashes) > length(subtree_blocks.hashes)
                  AND substr(excluded.hashes, 1, length(subtree_blocks.hashes)) = subtree_blocks.hashes
                """)
            for block in blocks {
                upsert.reset()
                try upsert.bind(block.id.band, block.id.index, Data(block.bytes)).run()
            }
        }
    }
}
