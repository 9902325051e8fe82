public import ShareStore

/// Moves every stored message body, and every chunk of an uploaded document, under the current key-encryption key: each data key is
/// unwrapped by the key that wrapped it and wrapped again by the current one (the ciphertext
/// is kept), and a body stored in clear is sealed. It runs beside a serving broker: each body
/// is replaced only if it is unchanged since it was read, so a purge in between wins. Once it
/// has finished, the previous keys can be removed from the configuration.
public enum BodyRewrap {
    /// How far a run has gone.
    public struct Progress: Sendable, Equatable {
        /// Bodies read so far.
        public var read = 0
        /// Bodies moved under the current key (or sealed, if stored in clear).
        public var rewrapped = 0
        /// Bodies under the current key already.
        public var current = 0
        /// Bodies destroyed by retention, or changed by the broker while this run held them.
        public var skipped = 0

        public init() {}
    }

    /// Walks every stored body in audit-index order, `batch` at a time, calling `progress` after each batch.
    public static func run(_ store: any Store, keys: PayloadKeys, batch: Int = 500,
                           progress: (Progress) -> Void = { _ in }) async throws -> Progress {
        var done = Progress()
        var next = 0
        while true {
            let bodies = try await store.storedBodies(fromAuditIndex: next, limit: batch)
            guard let last = bodies.last else { return done }
            for stored in bodies {
                done.read += 1
                guard !stored.body.isEmpty else {
                    done.skipped += 1
                    continue
                }
                guard let new = try await keys.rewrap(stored.body, messageID: stored.id) else {
                    done.current += 1
                    continue
                }
                if try await store.replaceBody(of: stored.id, old: stored.body, new: new) {
                    done.rewrapped += 1
                } else {
                    done.skipped += 1
                }
            }
            next = last.auditIndex + 1
            progress(done)
        }
    }

    /// Walks every stored chunk of every uploaded document the same way, `batch` chunks at a
    /// time (each up to 256 KiB, so keep it small), calling `progress` after each batch.
    public static func runChunks(_ store: any Store, keys: PayloadKeys, batch: Int = 16,
                                 progress: (Progress) -> Void = { _ in }) async throws -> Progress {
        var done = Progress()
        var after: ChunkPosition?
        while true {
            let chunks = try await store.storedChunks(after: after, limit: batch)
            guard let last = chunks.last else { return done }
            for chunk in chunks {
                done.read += 1
                guard let new = try await keys.rewrap(chunk: chunk.stored, upload: chunk.position.upload, index: chunk.position.index) else {
                    done.current += 1
                    continue
                }
                if try await store.replaceChunk(at: chunk.position, old: chunk.stored.bytes, new: new) {
                    done.rewrapped += 1
                } else {
                    done.skipped += 1
                }
            }
            after = last.position
            progress(done)
        }
    }
}
