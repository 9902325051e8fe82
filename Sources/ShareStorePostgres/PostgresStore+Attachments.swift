public import Foundation
import NIOCore
import PostgresNIO
public import ShareModel
public import ShareStore

/// Attachments: uploads kept in chunks, and who may read them through the messages that
/// reference them. A publish locks the attachments it references (`FOR SHARE`) before it stores
/// its references; a removal locks its candidates (`FOR UPDATE`) and then, in a statement of its
/// own (a new snapshot), removes those that nothing references: so a publish committed first is
/// seen and keeps its attachments, and one that comes after a removal finds them gone.
extension PostgresStore {
    public func saveAttachmentChunk(upload: UUID, index: Int, bytes: ChunkBytes, at time: Date) async throws {
        try await select { [self] connection in
            try await connection.rows("""
                INSERT INTO attachment_chunks (upload, idx, written_at, sealed, bytes)
                VALUES (\(upload), \(index), \(time.millis), \(bytes.sealed), \(bytes.bytes))
                ON CONFLICT (upload, idx) DO UPDATE SET written_at = excluded.written_at, sealed = excluded.sealed, bytes = excluded.bytes
                """, logger: logger)
        }
    }

    public func completeAttachment(_ attachment: NewAttachment, event: EventRecord) async throws -> StoredAttachment {
        try await write { [self] connection, append in
            let inserted = try await connection.rows("""
                INSERT INTO attachments (uploader, digest, upload, media_type, size, chunks, uploaded_at)
                VALUES (\(attachment.uploader.rawValue), \(attachment.digest.bytes), \(attachment.upload), \(attachment.mediaType),
                        \(attachment.size), \(attachment.chunks), \(attachment.uploadedAt.millis))
                ON CONFLICT (uploader, digest) DO NOTHING RETURNING upload
                """, logger: logger)
            if !inserted.isEmpty {
                append.add([event])
                return attachment
            }
            try await connection.rows("DELETE FROM attachment_chunks WHERE upload = \(attachment.upload)", logger: logger)
            guard let stored = try await attachments([attachment.digest], uploader: attachment.uploader, on: connection).first else {
                throw StoreError(.unavailable, "An attachment was neither stored nor found.")
            }
            return stored
        }
    }

    public func discardAttachmentUpload(_ upload: UUID) async throws {
        try await select { [self] connection in
            try await connection.rows("""
                DELETE FROM attachment_chunks WHERE upload = \(upload) AND NOT EXISTS (SELECT 1 FROM attachments WHERE upload = \(upload))
                """, logger: logger)
        }
    }

    public func attachments(_ digests: [AttachmentDigest], uploader: AgencyID) async throws -> [StoredAttachment] {
        try await select { [self] connection in
            try await attachments(digests, uploader: uploader, on: connection)
        }
    }

    private func attachments(_ digests: [AttachmentDigest], uploader: AgencyID,
                             on connection: PostgresConnection) async throws -> [StoredAttachment] {
        let rows = try await connection.rows("""
            SELECT digest, upload, media_type, size, chunks, uploaded_at FROM attachments
            WHERE uploader = \(uploader.rawValue) AND digest = ANY(\(digests.map { ByteBuffer(bytes: $0.bytes) }))
            """, logger: logger)
        return try rows.compactMap { row in
            let (digest, upload, mediaType, size, chunks, uploadedAt) = try row.decode((Data, UUID, String, Int, Int, Int).self)
            return AttachmentDigest(bytes: digest).map {
                StoredAttachment(upload: upload, uploader: uploader, digest: $0, mediaType: mediaType, size: size, chunks: chunks,
                                 uploadedAt: Date(millis: uploadedAt))
            }
        }
    }

    public func retrieveAttachment(_ digest: AttachmentDigest, message id: UUID, by agency: AgencyID, at time: Date) async throws -> StoredAttachment? {
        try await write { [self] connection, append in
            let rows = try await connection.rows("""
                SELECT m.sender, (SELECT d.id FROM deliveries d
                     WHERE d.message_index = m.audit_index AND d.recipient = \(agency.rawValue) AND d.first_delivered_at IS NOT NULL
                     ORDER BY d.seq LIMIT 1),
                    a.upload, a.media_type, a.size, a.chunks, a.uploaded_at
                FROM messages m
                JOIN message_attachments r ON r.message_id = m.id AND r.digest = \(digest.bytes)
                JOIN attachments a ON a.uploader = m.sender AND a.digest = r.digest
                WHERE m.id = \(id) AND m.purged_at IS NULL
                """, logger: logger)
            guard case let (senderName, deliveryID, upload, mediaType, size, chunks, uploadedAt)? =
                    try rows.first?.decode((String, UUID?, UUID, String, Int, Int, Int).self),
                  let sender = AgencyID(senderName), sender == agency || deliveryID != nil else { return nil }
            append.add([.attachmentRetrieved(digest, message: id, by: agency, delivery: deliveryID, at: time)])
            return StoredAttachment(upload: upload, uploader: sender, digest: digest, mediaType: mediaType, size: size, chunks: chunks,
                                    uploadedAt: Date(millis: uploadedAt))
        }
    }

    public func attachmentChunk(upload: UUID, index: Int) async throws -> ChunkBytes? {
        try await select { [self] connection in
            let row = try await connection.rows("SELECT bytes, sealed FROM attachment_chunks WHERE upload = \(upload) AND idx = \(index)",
                                                logger: logger).first
            return try row.map { row in
                let (bytes, sealed) = try row.decode((Data, Bool).self)
                return ChunkBytes(bytes, sealed: sealed)
            }
        }
    }

    public func storedChunks(after position: ChunkPosition?, limit: Int) async throws -> [StoredChunk] {
        let start = position ?? ChunkPosition(upload: UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)), index: -1)
        return try await select { [self] connection in
            try await connection.rows("""
                SELECT upload, idx, bytes, sealed FROM attachment_chunks WHERE (upload, idx) > (\(start.upload), \(start.index))
                ORDER BY upload, idx LIMIT \(limit)
                """, logger: logger).map { row in
                let (upload, index, bytes, sealed) = try row.decode((UUID, Int, Data, Bool).self)
                return StoredChunk(position: ChunkPosition(upload: upload, index: index), stored: ChunkBytes(bytes, sealed: sealed))
            }
        }
    }

    public func replaceChunk(at position: ChunkPosition, old: Data, new: Data) async throws -> Bool {
        try await select { [self] connection in
            !(try await connection.rows("""
                UPDATE attachment_chunks SET bytes = \(new), sealed = TRUE WHERE upload = \(position.upload) AND idx = \(position.index) AND bytes = \(old)
                RETURNING idx
                """, logger: logger).isEmpty)
        }
    }

    public func removeUnreferencedAttachments(uploadedBefore cutoff: Date, limit: Int) async throws -> Int {
        try await write { [self] connection, append in
            var binds = PostgresBindings(capacity: 2)
            binds.append(cutoff.millis)
            binds.append(limit)
            let locked = try await connection.rows(PostgresQuery(unsafeSQL: """
                SELECT a.upload FROM attachments a WHERE a.uploaded_at <= $1 AND \(Self.unreferenced)
                LIMIT $2 FOR UPDATE SKIP LOCKED
                """, binds: binds), logger: logger)
            let uploads = try await removeUnreferenced(try locked.map { try $0.decode(UUID.self) }, on: connection)
            try await connection.rows("""
                DELETE FROM attachment_chunks c WHERE c.upload = ANY(\(uploads))
                    OR (c.written_at <= \(cutoff.millis) AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.upload = c.upload))
                """, logger: logger)
            return uploads.count
        }
    }

    /// Removes the sender's attachments that message `id` (just purged) references and that no
    /// other message of the sender still holding its content references.
    func removeAttachments(ofPurged id: UUID, sender: String, on connection: PostgresConnection) async throws {
        let locked = try await connection.rows("""
            SELECT a.upload FROM attachments a WHERE a.uploader = \(sender)
                AND a.digest IN (SELECT digest FROM message_attachments WHERE message_id = \(id))
            FOR UPDATE
            """, logger: logger)
        let uploads = try await removeUnreferenced(try locked.map { try $0.decode(UUID.self) }, on: connection)
        guard !uploads.isEmpty else { return }
        try await connection.rows("DELETE FROM attachment_chunks WHERE upload = ANY(\(uploads))", logger: logger)
    }

    /// No message of the attachment's uploader that still holds its content references attachment
    /// `a`. A reference whose message has no row yet counts: it is a publish earlier in the same
    /// group of write calls, whose message the group's append writes at its end (`WriteGroups`).
    private static let unreferenced = """
        NOT EXISTS (SELECT 1 FROM message_attachments r LEFT JOIN messages m ON m.id = r.message_id
            WHERE r.digest = a.digest AND (m.id IS NULL OR (m.sender = a.uploader AND m.purged_at IS NULL)))
        """

    /// Removes those of the attachments `uploads` (locked by the caller) that nothing references
    /// now, read afresh after the lock; returns their uploads.
    private func removeUnreferenced(_ uploads: [UUID], on connection: PostgresConnection) async throws -> [UUID] {
        guard !uploads.isEmpty else { return [] }
        var binds = PostgresBindings(capacity: 1)
        binds.append(uploads)
        return try await connection.rows(PostgresQuery(unsafeSQL: """
            DELETE FROM attachments a WHERE a.upload = ANY($1) AND \(Self.unreferenced) RETURNING upload
            """, binds: binds), logger: logger).map { try $0.decode(UUID.self) }
    }

    /// The attachments `message` references that its sender does not hold, in its order; those
    /// it holds are locked (`FOR SHARE`) until the publish commits.
    func missingAttachments(of message: NewMessage, on connection: PostgresConnection) async throws -> [AttachmentDigest] {
        guard !message.attachments.isEmpty else { return [] }
        let rows = try await connection.rows("""
            SELECT digest FROM attachments WHERE uploader = \(message.sender.rawValue)
                AND digest = ANY(\(message.attachments.map { ByteBuffer(bytes: $0.bytes) })) FOR SHARE
            """, logger: logger)
        let held = Set(try rows.compactMap { AttachmentDigest(bytes: try $0.decode(Data.self)) })
        return message.attachments.filter { !held.contains($0) }
    }

    /// Records which attachments new messages reference.
    func recordReferences(_ references: [(messageID: UUID, digest: AttachmentDigest)], on connection: PostgresConnection) async throws {
        guard !references.isEmpty else { return }
        try await connection.rows("""
            INSERT INTO message_attachments (message_id, digest)
            SELECT * FROM unnest(\(references.map(\.messageID)), \(references.map { ByteBuffer(bytes: $0.digest.bytes) }))
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }
}
