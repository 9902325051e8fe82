import Crypto
import Foundation
import ShareModel
import ShareStore
import Testing

/// Attachments: uploads kept in chunks, read only through a message that references them, and
/// removed with the last message holding them or, never referenced, after a while.
enum AttachmentChecks {
    static let all = [
        StoreCheck("an upload is kept in chunks and read back chunk by chunk; completing it records its entry; uploading again keeps the first",
                   uploadAndReadBack),
        StoreCheck("discardAttachmentUpload removes an incomplete upload's chunks and leaves a completed one alone", discard),
        StoreCheck("retrieveAttachment answers the sender and recipients handed a message that references it, recording who read it, and no one else",
                   retrieve),
        StoreCheck("publish stores nothing of a message referencing attachments its sender does not hold, answering which, and stores the others",
                   publishNeedsAttachments),
        StoreCheck("purge removes the attachments no other message of the sender still holding its content references", purgeRemoves),
        StoreCheck("storedChunks walks every chunk in (upload, index) order, a batch at a time; replaceChunk replaces one only if it is unchanged",
                   walkAndReplace),
        StoreCheck("removeUnreferencedAttachments removes old uploads no message holding its content references, and stray chunks",
                   removeUnreferenced),
        StoreCheck("an upload that a publish references while the removal of unreferenced uploads runs is either kept with the message or refused to it, never lost under it",
                   publishDuringRemoval),
    ]

    /// Stores `chunks` under a fresh upload id and completes it as the hospitals' attachment.
    static func upload(_ chunks: [Data], to store: any Store, by uploader: AgencyID = .hospitals,
                       at time: Date = t0) async throws -> StoredAttachment {
        let upload = UUID()
        for (index, chunk) in chunks.enumerated() {
            try await store.saveAttachmentChunk(upload: upload, index: index, bytes: ChunkBytes(chunk, sealed: false), at: time)
        }
        let content = chunks.reduce(Data(), +)
        let digest = AttachmentDigest(bytes: Data(SHA256.hash(data: content)))!
        let attachment = NewAttachment(upload: upload, uploader: uploader, digest: digest, mediaType: "application/pdf",
                                       size: content.count, chunks: chunks.count, uploadedAt: time)
        return try await store.completeAttachment(attachment, event: uploaded(attachment))
    }

    static func uploaded(_ attachment: NewAttachment) -> EventRecord {
        EventRecord(kind: .attachmentUploaded, at: attachment.uploadedAt, agency: attachment.uploader,
                    attachment: attachment.digest.description)
    }

    static func chunks(of attachment: StoredAttachment, in store: any Store) async throws -> [Data?] {
        var chunks: [Data?] = []
        for index in 0..<attachment.chunks { chunks.append(try await store.attachmentChunk(upload: attachment.upload, index: index)?.bytes) }
        return chunks
    }

    /// Computed rather than a `static let`: LeakSanitizer reports `Data` kept in a static (see
    /// scripts/lsan-suppressions).
    static var parts: [Data] { [Data(repeating: 1, count: 1000), Data(repeating: 2, count: 1000), Data("end".utf8)] }

    static func uploadAndReadBack(_ store: any Store) async throws {
        let first = try await upload(parts, to: store)
        #expect(first.size == 2003 && first.chunks == 3 && first.uploader == .hospitals && first.mediaType == "application/pdf")
        #expect(try await chunks(of: first, in: store) == parts)
        #expect(try await allEvents(store).map(\.event) == [uploaded(first)])

        let again = try await upload(parts, to: store, at: t0.addingTimeInterval(60))
        #expect(again == first, "the first upload is kept")
        #expect(try await allEvents(store).count == 1, "nothing recorded the second time")
        #expect(try await store.attachments([first.digest], uploader: .hospitals) == [first])
        #expect(try await store.attachments([first.digest], uploader: .police).isEmpty, "an attachment is its uploader's")
        let unknown = AttachmentDigest(bytes: Data(repeating: 7, count: 32))!
        #expect(try await store.attachments([unknown, first.digest], uploader: .hospitals) == [first])
    }

    static func discard(_ store: any Store) async throws {
        let incomplete = UUID()
        try await store.saveAttachmentChunk(upload: incomplete, index: 0, bytes: ChunkBytes(parts[0], sealed: false), at: t0)
        try await store.discardAttachmentUpload(incomplete)
        #expect(try await store.attachmentChunk(upload: incomplete, index: 0) == nil)
        let complete = try await upload(parts, to: store)
        try await store.discardAttachmentUpload(complete.upload)
        #expect(try await chunks(of: complete, in: store) == parts)
    }

    static func retrieve(_ store: any Store) async throws {
        let attachment = try await upload(parts, to: store)
        let other = try await upload([Data("other".utf8)], to: store)
        let message = newMessage(recipients: [.csc, .police], attachments: [attachment.digest])
        try await publishStored(message, to: store)
        let at = t0.addingTimeInterval(5)
        let recorded = try await allEvents(store).count

        #expect(try await store.retrieveAttachment(attachment.digest, message: message.id, by: .csc, at: at) == nil,
                "not yet handed out to the recipient")
        let delivery = try #require(try await store.fetch(.csc, at: t0).first)
        #expect(try await store.retrieveAttachment(attachment.digest, message: message.id, by: .csc, at: at) == attachment)
        #expect(try await store.retrieveAttachment(attachment.digest, message: message.id, by: .hospitals, at: at) == attachment)
        #expect(try await store.retrieveAttachment(attachment.digest, message: message.id, by: .police, at: at) == nil)
        #expect(try await store.retrieveAttachment(attachment.digest, message: UUID(), by: .hospitals, at: at) == nil)
        #expect(try await store.retrieveAttachment(other.digest, message: message.id, by: .csc, at: at) == nil,
                "not an attachment the message references")
        let events = try await allEvents(store).dropFirst(recorded + 1).map(\.event)
        #expect(events == [
            .attachmentRetrieved(attachment.digest, message: message.id, by: .csc, delivery: delivery.id, at: at),
            .attachmentRetrieved(attachment.digest, message: message.id, by: .hospitals, delivery: nil, at: at),
        ])
        #expect(events.allSatisfy { $0.attachment == attachment.digest.description })
    }

    static func publishNeedsAttachments(_ store: any Store) async throws {
        let held = try await upload(parts, to: store)
        let policeOwn = try await upload([Data("police".utf8)], to: store, by: .police)
        let unknown = AttachmentDigest(bytes: Data(repeating: 9, count: 32))!
        let missing = newMessage(attachments: [held.digest, unknown, policeOwn.digest])
        let fine = newMessage(attachments: [held.digest])
        let recorded = try await allEvents(store).count
        let outcomes = try await store.publish([missing, fine])
        #expect(outcomes.first == .attachmentsMissing([unknown, policeOwn.digest]), "another uploader's is not the sender's")
        #expect(outcomes.last?.storedReceipt != nil)
        #expect(try await store.messageStatus(id: missing.id, sender: .hospitals, now: t0) == nil)
        #expect(try await allEvents(store).count == recorded + 2, "only the stored message's published and routed entries")
        #expect(try await store.publish(missing) == .attachmentsMissing([unknown, policeOwn.digest]), "not a replay: nothing was stored")
    }

    static func purgeRemoves(_ store: any Store) async throws {
        let shared = try await upload(parts, to: store)
        let alone = try await upload([Data("alone".utf8)], to: store)
        let policeCopy = try await upload(parts, to: store, by: .police)
        let early = newMessage(attachments: [shared.digest, alone.digest])
        let later = newMessage(attachments: [shared.digest])
        for message in [early, later] { try await publishStored(message, to: store) }
        _ = try await store.fetch(.csc, at: t0)
        _ = try await store.acknowledge(deliveries: early.deliveries.map(\.id), by: .csc, at: t0.addingTimeInterval(10))
        let cutoff = t0.addingTimeInterval(50)
        let entry = EventRecord(kind: .purged, at: cutoff, agency: .broker, messageID: early.id, messageType: RetentionChecks.type)
        #expect(try await store.purge(message: early.id, cutoff: cutoff, at: cutoff, event: entry))

        #expect(try await store.attachments([shared.digest, alone.digest], uploader: .hospitals) == [shared],
                "the later message still holds the shared one")
        #expect(try await chunks(of: alone, in: store) == [nil])
        #expect(try await chunks(of: shared, in: store) == parts)
        #expect(try await store.attachments([policeCopy.digest], uploader: .police) == [policeCopy], "another uploader's copy stays")
        #expect(try await store.retrieveAttachment(shared.digest, message: early.id, by: .hospitals, at: cutoff) == nil,
                "not through a purged message")
        #expect(try await store.retrieveAttachment(shared.digest, message: later.id, by: .hospitals, at: cutoff) == shared)
    }

    static func walkAndReplace(_ store: any Store) async throws {
        let first = try await upload(parts, to: store)
        let second = try await upload([Data("second".utf8)], to: store)
        let incomplete = UUID()
        try await store.saveAttachmentChunk(upload: incomplete, index: 0, bytes: ChunkBytes(Data("incomplete".utf8), sealed: true), at: t0)
        var walked: [StoredChunk] = []
        var after: ChunkPosition?
        while case let batch = try await store.storedChunks(after: after, limit: 2), let last = batch.last {
            #expect(batch.count <= 2)
            walked += batch
            after = last.position
        }
        #expect(walked.count == 5, "every chunk once, an incomplete upload's too")
        #expect(Set(walked.map(\.position.upload)) == [first.upload, second.upload, incomplete])
        #expect(walked.filter { $0.position.upload == first.upload }.map(\.stored) == parts.map { ChunkBytes($0, sealed: false) },
                "in index order")
        #expect(walked.first { $0.position.upload == incomplete }?.stored.sealed == true, "whether a chunk is sealed is kept with it")
        #expect(walked.filter { $0.position.upload == first.upload }.map(\.position.index) == [0, 1, 2])

        let position = ChunkPosition(upload: first.upload, index: 1)
        #expect(try await store.replaceChunk(at: position, old: parts[0], new: Data("new".utf8)) == false, "not what is stored")
        #expect(try await store.replaceChunk(at: position, old: parts[1], new: Data("new".utf8)))
        #expect(try await chunks(of: first, in: store) == [parts[0], Data("new".utf8), parts[2]])
        #expect(try await store.attachmentChunk(upload: first.upload, index: 1)?.sealed == true, "a replacement is sealed")
        #expect(try await store.replaceChunk(at: ChunkPosition(upload: UUID(), index: 0), old: parts[0], new: parts[1]) == false)
    }

    static func removeUnreferenced(_ store: any Store) async throws {
        let old = try await upload([Data("old".utf8)], to: store, at: t0)
        let referenced = try await upload([Data("referenced".utf8)], to: store, at: t0)
        let recent = try await upload([Data("recent".utf8)], to: store, at: t0.addingTimeInterval(100))
        try await publishStored(newMessage(attachments: [referenced.digest]), to: store)
        let stray = UUID()
        try await store.saveAttachmentChunk(upload: stray, index: 0, bytes: ChunkBytes(Data("stray".utf8), sealed: false), at: t0)

        #expect(try await store.removeUnreferencedAttachments(uploadedBefore: t0.addingTimeInterval(50), limit: 10) == 1)
        #expect(try await store.attachments([old.digest, referenced.digest, recent.digest], uploader: .hospitals)
            .map(\.upload).sorted { $0.uuidString < $1.uuidString } == [referenced.upload, recent.upload].sorted { $0.uuidString < $1.uuidString })
        #expect(try await chunks(of: old, in: store) == [nil])
        #expect(try await store.attachmentChunk(upload: stray, index: 0) == nil)
        #expect(try await chunks(of: recent, in: store) == [Data("recent".utf8)])
    }

    static func publishDuringRemoval(_ store: any Store) async throws {
        for round in 0..<10 {
            let old = try await upload([Data("round \(round)".utf8)], to: store, at: t0)
            let message = newMessage(attachments: [old.digest])
            async let published = store.publish(message)
            async let removed = store.removeUnreferencedAttachments(uploadedBefore: t0.addingTimeInterval(50), limit: 10)
            let (outcome, _) = try await (published, removed)
            let kept = try await store.attachments([old.digest], uploader: .hospitals)
            if outcome.storedReceipt != nil {
                #expect(kept.map(\.upload) == [old.upload], "round \(round): the stored message's document is kept")
                #expect(try await chunks(of: old, in: store) == [Data("round \(round)".utf8)])
            } else {
                #expect(outcome == .attachmentsMissing([old.digest]), "round \(round): \(outcome)")
                #expect(kept.isEmpty)
            }
        }
    }
}
