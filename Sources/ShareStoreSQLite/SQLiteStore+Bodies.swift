public import Foundation
import ShareModel
public import ShareStore

/// Message bodies as stored, for re-wrapping them under a new key.
extension SQLiteStore {
    public func storedBodies(fromAuditIndex index: Int, limit: Int) async throws -> [StoredBody] {
        try await reader.run { connection in
            let select = try connection.statement(
                "SELECT id, audit_index, jws FROM messages WHERE audit_index >= ? ORDER BY audit_index LIMIT ?")
                .bind(index, limit)
            var bodies: [StoredBody] = []
            while try select.step() {
                guard let id = UUID(text: select.text(0)) else { continue }
                bodies.append(StoredBody(id: id, auditIndex: select.int(1), body: select.data(2)))
            }
            return bodies
        }
    }

    public func replaceBody(of id: UUID, old: Data, new: Data) async throws -> Bool {
        try await writer.run { connection in
            let update = try connection.statement("UPDATE messages SET jws = ?3 WHERE id = ?1 AND jws = ?2 RETURNING 1")
                .bind(id, old, new)
            defer { update.reset() }
            return try update.step()
        }
    }
}
