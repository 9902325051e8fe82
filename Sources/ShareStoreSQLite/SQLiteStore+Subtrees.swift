import Foundation
public import ShareAudit
import ShareStore

/// The stored Merkle tree: one row per complete subtree (`SubtreeID`), keyed by level and index.
extension SQLiteStore {
    public func storedTreeSize() async throws -> Int {
        try await reader.run { connection in
            let select = try connection.statement("SELECT coalesce(max(idx) + 1, 0) FROM subtrees WHERE level = 0")
            return try select.step() ? select.int(0) : 0
        }
    }

    public func subtrees(_ ids: [SubtreeID]) async throws -> [SubtreeID: Hash] {
        try await reader.run { connection in
            let select = try connection.statement("SELECT hash FROM subtrees WHERE level = ? AND idx = ?")
            var found: [SubtreeID: Hash] = [:]
            for id in ids {
                select.reset()
                try select.bind(id.level, id.index)
                if try select.step() { found[id] = try Hash(bytes: select.data(0)) }
            }
            return found
        }
    }

    public func saveSubtrees(_ subtrees: [(id: SubtreeID, hash: Hash)]) async throws {
        try await writer.run { connection in
            let insert = try connection.statement("INSERT OR IGNORE INTO subtrees (level, idx, hash) VALUES (?, ?, ?)")
            for subtree in subtrees {
                insert.reset()
                try insert.bind(subtree.id.level, subtree.id.index, Data(subtree.hash.bytes)).run()
            }
        }
    }
}
