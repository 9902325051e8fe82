import ArgumentParser
import Foundation
import ShareClient

/// `sharectl attachment upload|download`: documents messages reference by digest.
struct AttachmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attachment", abstract: "Upload a document for a message to reference, or download one a message references.",
        subcommands: [AttachmentUpload.self, AttachmentDownload.self])
}

struct AttachmentUpload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a file (streamed from disk) and print its reference {digest, mediaType, size} for the envelope's 'attachments'.")

    @OptionGroup var connection: ConnectionOptions
    @Option(name: .customLong("type"), help: "The document's media type, such as application/pdf.") var mediaType: String
    @Argument(help: "The file to upload.") var file: String

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        try printJSON(try await reportingFailures {
            try await connection.withClient { try await $0.uploadAttachment(file: url, mediaType: mediaType) }
        })
    }
}

struct AttachmentDownload: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a document a message references to a file, refusing it unless it has the digest the message carries.",
        discussion: "Give the digest from the signed message's 'attachments' (sharectl inbox prints the envelope). Nothing is written when the document does not match it.")

    @OptionGroup var connection: ConnectionOptions
    @Option(help: "The id of the message that references the document.") var message: String
    @Option(help: "The document's digest, as the message's 'attachments' gives it (sha-256:...).") var digest: String
    @Option(name: .shortAndLong, help: "The file to write.") var output: String

    func run() async throws {
        guard let id = UUID(uuidString: message) else { throw ValidationError("'\(message)' is not a message id (a UUID).") }
        let url = URL(fileURLWithPath: output)
        try await reportingFailures {
            try await connection.withClient { try await $0.downloadAttachment(digest, message: id, to: url) }
        }
        FileHandle.standardError.write(Data("sharectl: wrote \(output); its SHA-256 is \(digest), as the message carries\n".utf8))
    }
}
