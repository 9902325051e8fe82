public import Foundation
public import ShareModel
public import ShareStore

/// Attachments: uploads kept in chunks, and who may read them through the messages that reference them.
extension SQLiteStore {
    public func saveAttachmentChunk(upload: UUID, index: Int, bytes: ChunkBytes, at time: Date) async throws {
        try await writer.run { connection in
            try connection.statement("""
                INSERT INTO attachment_chunks (upload, idx, written_at, sealed, bytes) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (upload, idx) DO UPDATE SET written_at = ?3, sealed = ?4, bytes = ?5
                """)
                .bind(upload, index, time.millis, bytes.sealed, bytes.bytes).run()
        }
    }

    public func completeAttachment(_ attachment: NewAttachment, event: EventRecord) async throws -> StoredAttachment {
        try await writer.run { connection in
            let insert = try connection.statement("""
                INSERT INTO attachments (uploader, digest, upload, media_type, size, chunks, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (uploader, digest) DO NOTHING RETURNING 1
                """)
                .bind(attachment.uploader.rawValue, attachment.digest.bytes, attachment.upload, attachment.mediaType, attachment.size,
                      attachment.chunks, attachment.uploadedAt.millis)
            let inserted = try insert.step()
            insert.reset()
            if inserted {
                _ = try Self.appendEvents([event], on: connection)
                return attachment
            }
            try connection.statement("DELETE FROM attachment_chunks WHERE upload = ?").bind(attachment.upload).run()
            guard let stored = try Self.attachments([attachment.digest], uploader: attachment.uploader, on: connection).first else {
                throw StoreError(.unavailable, "An attachment was neither stored nor found.")
            }
            return stored
        }
    }

    public func discardAttachmentUpload(_ upload: UUID) async throws {
        try await writer.run { connection in
            try connection.statement("""
                DELETE FROM attachment_chunks WHERE upload = ?1 AND NOT EXISTS (SELECT 1 FROM attachments WHERE upload = ?1)
                """)
                .bind(upload).run()
        }
    }

    public func attachments(_ digests: [AttachmentDigest], uploader: AgencyID) async throws -> [StoredAttachment] {
        try await reader.run { connection in
            try Self.attachments(digests, uploader: uploader, on: connection)
        }
    }

    /// The attachments `message` references that its sender does not hold, in its order. The one
    /// writer runs this and the removals in turn, so a removal cannot come between it and the insert.
    static func missingAttachments(of message: NewMessage, on connection: SQLiteConnection) throws -> [AttachmentDigest] {
        guard !message.attachments.isEmpty else { return [] }
        let held = Set(try attachments(message.attachments, uploader: message.sender, on: connection).map(\.digest))
        return message.attachments.filter { !held.contains($0) }
    }

    private static func attachments(_ digests: [AttachmentDigest], uploader: AgencyID,
                                    on connection: SQLiteConnection) throws -> [StoredAttachment] {
        let select = try connection.statement("""
            SELECT upload, media_type, size, chunks, uploaded_at FROM attachments WHERE uploader = ? AND digest = ?
            """)
        var found: [StoredAttachment] = []
        for digest in Set(digests) {
            select.reset()
            try select.bind(uploader.rawValue, digest.bytes)
            guard try select.step(), let upload = UUID(text: select.text(0)) else { continue }
            found.append(StoredAttachment(upload: upload, uploader: uploader, digest: digest, mediaType: select.text(1),
                                          size: select.int(2), chunks: select.int(3), uploadedAt: Date(millis: select.int(4))))
        }
        return found
    }

    public func retrieveAttachment(_ digest: AttachmentDigest, message id: UUID, by agency: AgencyID, at time: Date) async throws -> StoredAttachment? {
        try await writer.run { connection in
            let select = try connection.statement("""
                SELECT m.sender, (SELECT d.id FROM deliveries d
                     WHERE d.message_index = m.audit_index AND d.recipient = ?2 AND d.first_delivered_at IS NOT NULL),
                    a.upload, a.media_type, a.size, a.chunks, a.uploaded_at
                FROM messages m
                JOIN message_attachments r ON r.message_index = m.audit_index AND r.digest = ?3
                JOIN attachments a ON a.uploader = m.sender AND a.digest = r.digest
                WHERE m.id = ?1 AND m.purged_at IS NULL
                """)
                .bind(id, agency.rawValue, digest.bytes)
            guard try select.step(), let sender = AgencyID(select.text(0)), let upload = UUID(text: select.text(2)) else { return nil }
            let deliveryID = select.optionalText(1).flatMap(UUID.init(text:))
            guard sender == agency || deliveryID != nil else { return nil }
            let attachment = StoredAttachment(upload: upload, uploader: sender, digest: digest, mediaType: select.text(3),
                                              size: select.int(4), chunks: select.int(5), uploadedAt: Date(millis: select.int(6)))
            select.reset()
            _ = try Self.appendEvents([.attachmentRetrieved(digest, message: id, by: agency, delivery: deliveryID, at: time)], on: connection)
            return attachment
        }
    }

    public func attachmentChunk(upload: UUID, index: Int) async throws -> ChunkBytes? {
        try await reader.run { connection in
            let select = try connection.statement("SELECT bytes, sealed FROM attachment_chunks WHERE upload = ? AND idx = ?").bind(upload, index)
            return try select.step() ? ChunkBytes(select.data(0), sealed: select.int(1) != 0) : nil
        }
    }

    public func storedChunks(after position: ChunkPosition?, limit: Int) async throws -> [StoredChunk] {
        try await reader.run { connection in
            let select = try connection.statement("""
                SELECT upload, idx, bytes, sealed FROM attachment_chunks WHERE (upload, idx) > (?, ?) ORDER BY upload, idx LIMIT ?
                """)
                .bind(position.map(\.upload.uppercasedString) ?? "", position?.index ?? -1, limit)
            var chunks: [StoredChunk] = []
            while try select.step() {
                guard let upload = UUID(text: select.text(0)) else { continue }
                chunks.append(StoredChunk(position: ChunkPosition(upload: upload, index: select.int(1)),
                                          stored: ChunkBytes(select.data(2), sealed: select.int(3) != 0)))
            }
            return chunks
        }
    }

    public func replaceChunk(at position: ChunkPosition, old: Data, new: Data) async throws -> Bool {
        try await writer.run { connection in
            let update = try connection.statement("""
                UPDATE attachment_chunks SET bytes = ?, sealed = 1 WHERE upload = ? AND idx = ? AND bytes = ? RETURNING 1
                """)
                .bind(new, position.upload, position.index, old)
            let replaced = try update.step()
            update.reset()
            return replaced
        }
    }

    public func removeUnreferencedAttachments(uploadedBefore cutoff: Date, limit: Int) async throws -> Int {
        try await writer.run { connection in
            let remove = try connection.statement("""
                DELETE FROM attachments WHERE rowid IN (SELECT a.rowid FROM attachments a WHERE a.uploaded_at <= ?1 AND NOT EXISTS (
                    SELECT 1 FROM message_attachments r JOIN messages m ON m.audit_index = r.message_index
                    WHERE r.digest = a.digest AND m.sender = a.uploader AND m.purged_at IS NULL) LIMIT ?2)
                RETURNING upload
                """)
                .bind(cutoff.millis, limit)
            var uploads: [String] = []
            while try remove.step() { uploads.append(remove.text(0)) }
            remove.reset()
            try Self.removeChunks(of: uploads, on: connection)
            try connection.statement("""
                DELETE FROM attachment_chunks WHERE written_at <= ? AND upload NOT IN (SELECT upload FROM attachments)
                """)
                .bind(cutoff.millis).run()
            return uploads.count
        }
    }

    /// Removes the sender's attachments that message `auditIndex` (just purged) references and
    /// that no other message of the sender still holding its content references.
    static func removeAttachments(ofPurged auditIndex: Int, sender: String, on connection: SQLiteConnection) throws {
        let remove = try connection.statement("""
            DELETE FROM attachments AS a WHERE a.uploader = ?2
                AND a.digest IN (SELECT digest FROM message_attachments WHERE message_index = ?1)
                AND NOT EXISTS (SELECT 1 FROM message_attachments r JOIN messages m ON m.audit_index = r.message_index
                    WHERE r.digest = a.digest AND m.sender = a.uploader AND m.purged_at IS NULL)
            RETURNING upload
            """)
            .bind(auditIndex, sender)
        var uploads: [String] = []
        while try remove.step() { uploads.append(remove.text(0)) }
        remove.reset()
        try removeChunks(of: uploads, on: connection)
    }

    private static func removeChunks(of uploads: [String], on connection: SQLiteConnection) throws {
        let chunks = try connection.statement("DELETE FROM attachment_chunks WHERE upload = ?")
        for upload in uploads {
            chunks.reset()
            try chunks.bind(upload).run()
        }
    }
}
