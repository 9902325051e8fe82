public import Foundation
import PostgresNIO
public import ShareStore

/// Message bodies as stored, for re-wrapping them under a new key.
extension PostgresStore {
    public func storedBodies(fromAuditIndex index: Int, limit: Int) async throws -> [StoredBody] {
        try await select { [self] connection in
            try await connection.rows("""
                SELECT id, audit_index, jws FROM messages WHERE audit_index >= \(index) ORDER BY audit_index LIMIT \(limit)
                """, logger: logger).map { row in
                let (id, auditIndex, body) = try row.decode((UUID, Int, Data).self)
                return StoredBody(id: id, auditIndex: auditIndex, body: body)
            }
        }
    }

    public func replaceBody(of id: UUID, old: Data, new: Data) async throws -> Bool {
        try await select { [self] connection in
            !(try await connection.rows("""
                UPDATE messages SET jws = \(new) WHERE id = \(id) AND jws = \(old) RETURNING id
                """, logger: logger).isEmpty)
        }
    }
}
