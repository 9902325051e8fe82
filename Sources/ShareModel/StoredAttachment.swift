public import Foundation

/// An upload whose chunks are all stored (`Store.saveAttachmentChunk`) and whose content was
/// checked against its digest: to be recorded as the uploader's attachment.
public struct NewAttachment: Sendable, Equatable {
    /// The id the upload's chunks were stored under.
    public let upload: UUID
    public let uploader: AgencyID
    public let digest: AttachmentDigest
    public let mediaType: String
    /// The content's length in bytes.
    public let size: Int
    /// How many chunks hold it, numbered from 0.
    public let chunks: Int
    public let uploadedAt: Date

    public init(upload: UUID, uploader: AgencyID, digest: AttachmentDigest, mediaType: String, size: Int, chunks: Int, uploadedAt: Date) {
        self.upload = upload
        self.uploader = uploader
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
        self.chunks = chunks
        self.uploadedAt = uploadedAt
    }
}

/// An attachment as stored: its content is read chunk by chunk (`Store.attachmentChunk`).
public typealias StoredAttachment = NewAttachment
