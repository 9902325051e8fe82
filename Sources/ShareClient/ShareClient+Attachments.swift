import AsyncHTTPClient
import Crypto
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import ShareModel
import ShareJWS

/// A document as the broker holds it: what a message's `attachments` names it by.
public struct AttachmentAnswer: Sendable, Codable, Equatable {
    /// `sha-256:` and 64 lowercase hexadecimal digits.
    public let digest: String
    public let mediaType: String
    public let size: Int
    /// What it is, for people; only in a message's `attachments`.
    public let title: String?

    public init(digest: String, mediaType: String, size: Int, title: String? = nil) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
        self.title = title
    }
}

extension ShareClient {
    /// Uploads a file for messages to reference, streamed from disk (read once to compute its
    /// digest, then again as it is sent). Returns its reference, to put in a message's
    /// `attachments` (with a `title` if wanted). Uploading the same file again is harmless.
    public func uploadAttachment(file: URL, mediaType: String) async throws -> AttachmentAnswer {
        let (digest, size) = try Self.digest(of: file)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: mediaType)
        let exchange = try await exchange("PUT", "/v1/attachments/\(digest)", headers: headers, streamed: {
            .stream(try FileChunks(file: file), length: .known(Int64(size)))
        })
        let response = try await RawResponse(exchange.response)
        return try decode(response, expect: response.status == 200 ? 200 : 201)
    }

    /// Downloads attachment `digest` of message `id` to `file`, streamed to disk, and checks it
    /// against `digest`, which the caller takes from the signed message (`attachments(inJWS:)`).
    /// A document whose bytes do not have that digest (it was changed after the sender signed)
    /// is refused with `ShareClientError`, and nothing is left at `file`.
    public func downloadAttachment(_ digest: String, message id: UUID, to file: URL) async throws {
        guard let expected = AttachmentDigest(text: digest) else {
            throw ShareClientError(status: nil, problem: nil, reason: "'\(digest)' is not an attachment digest ('sha-256:' and 64 lowercase hexadecimal digits).")
        }
        let exchange = try await exchange("GET", "/v1/messages/\(id.lowercasedString)/attachments/\(digest)")
        guard exchange.response.status == .ok else { throw try await RawResponse(exchange.response).refusal }
        let partial = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).part-\(UUID().lowercasedString)")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil), let handle = try? FileHandle(forWritingTo: partial) else {
            throw ShareClientError(status: nil, problem: nil, reason: "Cannot write \(file.path).")
        }
        do {
            var hasher = SHA256()
            do {
                for try await buffer in exchange.response.body {
                    let bytes = Data(buffer: buffer)
                    hasher.update(data: bytes)
                    try handle.write(contentsOf: bytes)
                }
            } catch {
                throw ShareClientError(status: 200, problem: nil, reason: "The download of \(digest) ended before it was complete (\(ConnectionFailure(error).summary)); nothing was kept.")
            }
            try handle.close()
            let received = AttachmentDigest(bytes: Data(hasher.finalize()))!
            guard received == expected else {
                throw ShareClientError(status: 200, problem: nil, reason: "The document downloaded has SHA-256 \(received), not the \(expected) the signed message carries: it was changed after the sender signed. It was not kept; do not rely on it, and tell the sender and the broker's operators.")
            }
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            try FileManager.default.moveItem(at: partial, to: file)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// The `attachments` of the envelope a compact JWS signs (empty when it has none). It reads
    /// the payload only; the caller verifies the signature as it does for any message.
    public static func attachments(inJWS jws: String) throws -> [AttachmentAnswer] {
        struct Envelope: Decodable { let attachments: [AttachmentAnswer]? }
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]) else {
            throw ShareClientError(status: nil, problem: nil, reason: "Not a compact JWS.")
        }
        return try JSONDecoder().decode(Envelope.self, from: payload).attachments ?? []
    }

    /// The digest (`sha-256:` and hex) and length of a file, read in pieces.
    static func digest(of file: URL) throws -> (String, Int) {
        var hasher = SHA256()
        var size = 0
        let chunks = try FileChunks(file: file).makeIterator()
        while let buffer = try chunks.nextBuffer() {
            size += buffer.readableBytes
            buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        }
        return (AttachmentDigest(bytes: Data(hasher.finalize()))!.description, size)
    }
}

/// A file read in 256 KiB pieces, as an upload's body.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let file: URL

    /// Throws `ShareClientError` when the file cannot be opened.
    init(file: URL) throws {
        guard FileManager.default.isReadableFile(atPath: file.path) else {
            throw ShareClientError(status: nil, problem: nil, reason: "Cannot read \(file.path).")
        }
        self.file = file
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?

        mutating func next() async throws -> ByteBuffer? {
            try nextBuffer()
        }

        /// The next piece, or nil at the end (the file is then closed).
        func nextBuffer() throws -> ByteBuffer? {
            guard let handle else { return nil }
            guard let data = try handle.read(upToCount: 262_144), !data.isEmpty else {
                try? handle.close()
                return nil
            }
            return ByteBuffer(data: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(handle: try? FileHandle(forReadingFrom: file))
    }

    func makeIterator() throws -> AsyncIterator {
        AsyncIterator(handle: try FileHandle(forReadingFrom: file))
    }
}
