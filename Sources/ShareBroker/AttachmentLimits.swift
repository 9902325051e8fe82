public import Foundation

/// The limits on documents that messages reference by digest (`/attachments` in the configuration).
public struct AttachmentLimits: Sendable {
    /// The largest document accepted, in bytes (25 MiB).
    public var maxBytes: Int = 26_214_400
    /// The media types accepted (`Content-Type` of the upload, without parameters).
    public var mediaTypes: Set<String> = [
        "application/pdf", "text/plain", "text/csv", "image/png", "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.oasis.opendocument.text",
    ]
    /// How long an upload no message references is kept before it is removed (7 days).
    public var unreferencedPeriod: TimeInterval = 7 * 86_400
    /// The size of the pieces a document is stored in, each sealed on its own (256 KiB): an
    /// upload or a download holds one at a time.
    public var chunkBytes: Int = 262_144

    public init() {}
}
