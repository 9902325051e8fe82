public import Foundation
public import ShareModel

extension EventRecord {
    /// The entry recording that `agency` downloaded an attachment of message `id` (through its
    /// delivery, if it is a recipient): the digest names the document; its content is never recorded.
    public static func attachmentRetrieved(_ digest: AttachmentDigest, message id: UUID, by agency: AgencyID, delivery: UUID?,
                                           at time: Date) -> EventRecord {
        EventRecord(kind: .attachmentRetrieved, at: time, agency: agency, messageID: id, deliveryID: delivery, attachment: digest.description)
    }
}

/// Where a chunk is: its upload and its index in it.
public struct ChunkPosition: Sendable, Equatable {
    public let upload: UUID
    public let index: Int

    public init(upload: UUID, index: Int) {
        self.upload = upload
        self.index = index
    }
}

/// A chunk's bytes, and whether they are sealed (`SealingStore`) or in clear. Stored with the
/// bytes: a document's bytes can begin with anything, so unlike a body (a JWS in clear always
/// begins with `e`) a chunk in clear cannot be told from a sealed one by its bytes.
public struct ChunkBytes: Sendable, Equatable {
    public let bytes: Data
    public let sealed: Bool

    public init(_ bytes: Data, sealed: Bool) {
        self.bytes = bytes
        self.sealed = sealed
    }
}

/// A chunk as the store holds it, for re-wrapping under a new key.
public struct StoredChunk: Sendable, Equatable {
    public let position: ChunkPosition
    /// The bytes as stored: sealed, or in clear (stored before encryption was configured).
    public let stored: ChunkBytes

    public init(position: ChunkPosition, stored: ChunkBytes) {
        self.position = position
        self.stored = stored
    }
}
