public import Foundation
import PostgresNIO
public import ShareModel
import ShareStore

/// The event record: appending, reading, searching, and the signed tree heads.
extension PostgresStore {
    public func record(_ events: [EventRecord]) async throws {
        try await write(runsStatements: false) { _, append in
            append.add(events)
        }
    }

    public func events(from index: Int, limit: Int) async throws -> [StoredEvent] {
        try await events(matching: EventFilter(fromIndex: index), limit: limit)
    }

    public func entryBytes(from index: Int, limit: Int) async throws -> [(index: Int, entry: Data)] {
        try await select { [self] connection in
            try await connection.rows("SELECT idx, entry FROM events WHERE idx >= \(index) ORDER BY idx LIMIT \(limit)", logger: logger)
                .map { try $0.decode((Int, Data).self) }
                .map { (index: $0.0, entry: $0.1) }
        }
    }

    public func events(matching filter: EventFilter, limit: Int) async throws -> [StoredEvent] {
        var conditions = Conditions()
        conditions.add("idx >= $", filter.fromIndex)
        if let kind = filter.kind { conditions.add("kind = $", kind.rawValue) }
        if let messageID = filter.messageID {
            conditions.add("""
                (message_index = (SELECT audit_index FROM messages WHERE id = $) OR (message_index IS NULL AND message_id = $))
                """, messageID)
        }
        if let agency = filter.agency { conditions.add("(agency = $ OR recipient = $)", agency.rawValue) }
        if let from = filter.from { conditions.add("at >= $", from.millis) }
        if let to = filter.to { conditions.add("at < $", to.millis) }
        if let token = filter.subjectToken {
            conditions.add("""
                (message_index IN (SELECT m.audit_index FROM event_subjects s JOIN messages m ON m.id = s.message_id WHERE s.token = $)
                 OR (message_index IS NULL AND message_id IN (SELECT message_id FROM event_subjects WHERE token = $)))
                """, token)
        }
        let query = conditions.query("SELECT idx, entry FROM events WHERE ", ordering: " ORDER BY idx LIMIT ", limit: limit)
        return try await select { [self] connection in
            try await connection.rows(query, logger: logger).map { row in
                let (index, entry) = try row.decode((Int, Data).self)
                return StoredEvent(index: index, event: try EventRecord.decode(entry), entry: entry)
            }
        }
    }

    public func saveTreeHead(_ head: SignedTreeHeadRecord) async throws {
        try await select { [self] connection in
            try await connection.rows("""
                INSERT INTO tree_heads (tree_size, root_hash, timestamp, signed)
                VALUES (\(head.treeSize), \(head.rootHash), \(head.timestamp), \(head.signed))
                ON CONFLICT (tree_size) DO NOTHING
                """, logger: logger)
        }
    }

    public func treeHeads(fromSize: Int, limit: Int) async throws -> [SignedTreeHeadRecord] {
        try await select { [self] connection in
            try await connection.rows("""
                SELECT tree_size, root_hash, timestamp, signed FROM tree_heads
                WHERE tree_size >= \(fromSize) ORDER BY tree_size LIMIT \(limit)
                """, logger: logger).map(Self.treeHead)
        }
    }

    public func latestTreeHead() async throws -> SignedTreeHeadRecord? {
        try await select { [self] connection in
            try await connection.rows("""
                SELECT tree_size, root_hash, timestamp, signed FROM tree_heads ORDER BY tree_size DESC LIMIT 1
                """, logger: logger).first.map(Self.treeHead)
        }
    }

    private static func treeHead(_ row: PostgresRow) throws -> SignedTreeHeadRecord {
        let (size, root, timestamp, signed) = try row.decode((Int, String, String, String).self)
        return SignedTreeHeadRecord(treeSize: size, rootHash: root, timestamp: timestamp, signed: signed)
    }
}

/// The conditions of a search, each binding one value wherever it writes `$`.
private struct Conditions {
    private var clauses: [String] = []
    private var binds = PostgresBindings()

    mutating func add(_ clause: String, _ value: some PostgresNonThrowingEncodable) {
        var numbered = ""
        var number = 0
        for character in clause {
            guard character == "$" else {
                numbered.append(character)
                continue
            }
            if number == 0 {
                binds.append(value)
                number = binds.count
            }
            numbered += "$\(number)"
        }
        clauses.append(numbered)
    }

    func query(_ select: String, ordering: String, limit: Int) -> PostgresQuery {
        var binds = binds
        binds.append(limit)
        return PostgresQuery(unsafeSQL: select + clauses.joined(separator: " AND ") + ordering + "$\(binds.count)", binds: binds)
    }
}
