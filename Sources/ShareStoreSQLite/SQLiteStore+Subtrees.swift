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

    /// Reads each run of consecutive indices of a level with one range scan, so that a check
    /// reading every subtree of a chunk of entries makes a few dozen scans, not one per subtree.
    public func subtrees(_ ids: [SubtreeID]) async throws -> [SubtreeID: Hash] {
        try await reader.run { connection in
            let select = try connection.statement("SELECT idx, hash FROM subtrees WHERE level = ? AND idx >= ? AND idx < ?")
            var found: [SubtreeID: Hash] = [:]
            for (level, subtrees) in Dictionary(grouping: ids, by: \.level) {
                let indices = subtrees.map(\.index).sorted()
                var first = 0
                while first < indices.count {
                    var last = first
                    while last + 1 < indices.count, indices[last + 1] <= indices[last] + 1 { last += 1 }
                    select.reset()
                    try select.bind(level, indices[first], indices[last] + 1)
                    while try select.step() { found[SubtreeID(level: level, index: select.int(0))] = try Hash(bytes: select.data(1)) }
                    first = last + 1
                }
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
