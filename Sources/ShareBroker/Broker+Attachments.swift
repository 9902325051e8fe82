import Crypto
public import Foundation
import Logging
public import ShareModel
import ShareStore

/// An upload's outcome: the attachment as stored, and whether this upload stored it (false
/// when the agency had uploaded the same content before).
public struct AttachmentUpload: Sendable {
    public let attachment: StoredAttachment
    public let created: Bool
}

extension Broker {
    /// Stores a document `agency` uploads under `digestText`, read from `body` piece by piece
    /// into chunks of `AttachmentLimits.chunkBytes` while its SHA-256 is computed, so that it is
    /// never held whole. Refused, with nothing kept, when the digest is malformed, the media type
    /// not accepted, the content larger than the limit (as soon as it passes it) or of another
    /// digest. Uploading the same content again is harmless. Recorded (`attachment-uploaded`).
    public func uploadAttachment<Body: AsyncSequence>(_ digestText: String, mediaType: String?, length: Int?, body: Body,
                                                      from agency: Agency) async throws -> AttachmentUpload where Body.Element == Data {
        try refuseIfStopping()
        let limits = configuration.attachments
        guard let digest = AttachmentDigest(text: digestText) else {
            throw BrokerError(.badRequest, "'\(digestText.prefix(80))' is not an attachment digest: write 'sha-256:' and the 64 lowercase hexadecimal digits of the document's SHA-256 (as sha256sum prints them).")
        }
        guard let mediaType, limits.mediaTypes.contains(mediaType) else {
            throw BrokerError(.unsupportedMediaType, "Send the document with a 'Content-Type' the broker accepts: \(limits.mediaTypes.sorted().joined(separator: ", ")) (got '\(mediaType ?? "none")').")
        }
        if let length, length > limits.maxBytes {
            throw Self.attachmentTooLarge("is \(length) bytes", limit: limits.maxBytes)
        }
        let upload = UUID.timeOrdered(at: clock.now())
        do {
            var hasher = SHA256()
            var pending = Data()
            var size = 0
            var chunks = 0
            for try await piece in body {
                size += piece.count
                guard size <= limits.maxBytes else { throw Self.attachmentTooLarge("is larger than that", limit: limits.maxBytes) }
                hasher.update(data: piece)
                pending.append(piece)
                while pending.count >= limits.chunkBytes {
                    try await saveChunk(Data(pending.prefix(limits.chunkBytes)), upload: upload, index: chunks)
                    pending = Data(pending.dropFirst(limits.chunkBytes))
                    chunks += 1
                }
            }
            if !pending.isEmpty {
                try await saveChunk(pending, upload: upload, index: chunks)
                chunks += 1
            }
            let received = Data(hasher.finalize())
            guard received == digest.bytes else {
                throw BrokerError(.attachmentDigestMismatch, "The document's SHA-256 is \(AttachmentDigest(bytes: received)!), not the \(digest) it was uploaded under; nothing was kept. Upload it under its own digest.")
            }
            let now = clock.now()
            let attachment = NewAttachment(upload: upload, uploader: agency.id, digest: digest, mediaType: mediaType, size: size,
                                           chunks: chunks, uploadedAt: now)
            let event = EventRecord(kind: .attachmentUploaded, at: now, agency: agency.id, attachment: digest.description)
            let stored: StoredAttachment
            do {
                stored = try await store.completeAttachment(attachment, event: event)
            } catch {
                throw storeFailure(error)
            }
            return AttachmentUpload(attachment: stored, created: stored.upload == upload)
        } catch {
            try? await store.discardAttachmentUpload(upload)
            throw error
        }
    }

    private func saveChunk(_ bytes: Data, upload: UUID, index: Int) async throws {
        do {
            try await store.saveAttachmentChunk(upload: upload, index: index, bytes: ChunkBytes(bytes, sealed: false), at: clock.now())
        } catch {
            throw storeFailure(error)
        }
    }

    static func attachmentTooLarge(_ what: String, limit: Int) -> BrokerError {
        BrokerError(.tooLarge, "The document \(what); the limit is \(limit) bytes (/attachments/maxBytes). Nothing was kept.")
    }

    /// Refuses (422, each attachment's pointer) a message that references a document its sender
    /// has not uploaded, or gives it another size or media type than the upload had.
    func refuseUnuploadedAttachments(_ envelope: Envelope) async throws {
        guard !envelope.attachments.isEmpty else { return }
        let uploaded: [AttachmentDigest: StoredAttachment]
        do {
            uploaded = Dictionary(try await store.attachments(envelope.attachments.map(\.digest), uploader: envelope.sender)
                .map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        } catch {
            throw storeFailure(error)
        }
        var problems: [ValidationProblem] = []
        for (index, reference) in envelope.attachments.enumerated() {
            let base = JSONPointer(["attachments", String(index)])
            guard let stored = uploaded[reference.digest] else {
                problems.append(ValidationProblem(pointer: base.appending("digest"), message: "'\(envelope.sender)' has not uploaded a document with this digest; PUT it to /v1/attachments/\(reference.digest) first."))
                continue
            }
            if stored.size != reference.size {
                problems.append(ValidationProblem(pointer: base.appending("size"), message: "The document uploaded is \(stored.size) bytes, not \(reference.size)."))
            }
            if stored.mediaType != reference.mediaType {
                problems.append(ValidationProblem(pointer: base.appending("mediaType"), message: "The document was uploaded as '\(stored.mediaType)', not '\(reference.mediaType)'."))
            }
        }
        guard problems.isEmpty else {
            throw BrokerError(.invalidEnvelope, "The message references \(problems.count) attachment problem(s); each is listed with its JSON Pointer. Upload each document before publishing the message that references it.",
                              problems: problems)
        }
    }

    /// A document message `messageText` references, for its sender or a recipient it was handed
    /// to, recorded (`attachment-retrieved`); its content is then read chunk by chunk with
    /// `attachmentChunks`. 404 for anyone else, an unknown message or digest, a document the
    /// message does not reference, and once the message's content was destroyed.
    public func retrieveAttachment(_ digestText: String, message messageText: String, for agency: Agency) async throws -> StoredAttachment {
        let notFound = BrokerError(.notFound, "No attachment '\(digestText.prefix(80))' of a message '\(messageText.prefix(64))' that '\(agency.id)' sent or was delivered. Only the sender and the recipients a message was delivered to can download its attachments, while the message's content is kept.")
        guard let id = UUID(text: messageText), let digest = AttachmentDigest(text: digestText) else { throw notFound }
        let attachment: StoredAttachment?
        do {
            attachment = try await store.retrieveAttachment(digest, message: id, by: agency.id, at: clock.now())
        } catch {
            throw storeFailure(error)
        }
        guard let attachment else { throw notFound }
        return attachment
    }

    /// The content of an attachment `retrieveAttachment` answered, one chunk at a time. Throws
    /// `AttachmentUnreadable` when a chunk is missing (removed meanwhile), does not open (it was
    /// changed in the store) or the chunks do not add up to the size recorded.
    public func attachmentChunks(_ attachment: StoredAttachment) -> AttachmentChunks {
        AttachmentChunks(store: store, attachment: attachment, logger: logger)
    }

    /// Removes uploads no message holding its content has referenced for
    /// `AttachmentLimits.unreferencedPeriod`, and chunks of uploads never completed; returns
    /// whether more may be due now.
    @discardableResult
    public func removeUnreferencedAttachments() async throws -> Bool {
        let cutoff = clock.now().addingTimeInterval(-configuration.attachments.unreferencedPeriod)
        let removed = try await store.removeUnreferencedAttachments(uploadedBefore: cutoff, limit: Self.timerBatch)
        if removed > 0 {
            logger.notice("Uploads no message referenced were removed", metadata: [ShareLogKey.count: "\(removed)"])
        }
        return removed >= Self.timerBatch
    }
}

/// An attachment's content as a sequence of chunks read from the store one at a time.
public struct AttachmentChunks: AsyncSequence, Sendable {
    public typealias Element = Data
    let store: any Store
    let attachment: StoredAttachment
    let logger: Logger

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let chunks: AttachmentChunks
        var index = 0
        var size = 0

        public mutating func next() async throws -> Data? {
            let attachment = chunks.attachment
            guard index < attachment.chunks else {
                guard size == attachment.size else { throw unreadable("its chunks add up to \(size) bytes, not \(attachment.size)") }
                return nil
            }
            let chunk: Data?
            do {
                chunk = try await chunks.store.attachmentChunk(upload: attachment.upload, index: index)?.bytes
            } catch {
                throw unreadable("a chunk could not be read or opened (\(error))")
            }
            guard let chunk else { throw unreadable("a chunk is no longer stored") }
            index += 1
            size += chunk.count
            return chunk
        }

        private func unreadable(_ reason: String) -> AttachmentUnreadable {
            chunks.logger.error("An attachment could not be served whole", metadata: [
                "share.attachment": "\(chunks.attachment.digest)", "share.reason": "\(reason)",
            ])
            return AttachmentUnreadable(digest: chunks.attachment.digest)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: self)
    }
}

/// An attachment's stored content could not be served whole: a chunk is missing, was changed
/// (it does not open), or the chunks do not add up. Logged with the digest only.
public struct AttachmentUnreadable: Error, Sendable {
    public let digest: AttachmentDigest
}
