import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import ShareBroker
import ShareModel

/// `PUT /v1/attachments/{digest}` and `GET /v1/messages/{id}/attachments/{digest}`: documents
/// messages reference by digest, streamed in and out chunk by chunk.
struct AttachmentRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.put("attachments/:digest", use: upload)
        group.get("messages/:id/attachments/:digest", use: download)
    }

    /// Stores the body under its digest: 201 `{digest, mediaType, size}` when new, 200 when the
    /// agency had uploaded it before.
    @Sendable func upload(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let digest = try context.parameters.require("digest")
        let result: AttachmentUpload
        do {
            result = try await broker.uploadAttachment(digest, mediaType: request.mediaType,
                                                       length: request.headers[.contentLength].flatMap(Int.init),
                                                       body: request.body.map { Data(buffer: $0) }, from: agency)
        } catch let error as BrokerError {
            throw error
        } catch {
            throw IncompleteRequestBody(cause: error)
        }
        let attachment = result.attachment
        var answer = JSONObjectWriter(capacity: 200)
        answer.add("digest", attachment.digest.description)
        answer.add("mediaType", attachment.mediaType)
        answer.add("size", attachment.size)
        return jsonResponse(encoded: answer.finish(), status: result.created ? .created : .ok)
    }

    /// The document, streamed chunk by chunk with its `Content-Length` and `Repr-Digest`
    /// (RFC 9530). The first chunk is read before answering, so a document that cannot be read
    /// at all is a 500 `internal-error` (the broker logs its digest); one that fails part-way has its connection closed before the
    /// body is complete, so no client takes it for the whole document.
    @Sendable func download(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let attachment = try await broker.retrieveAttachment(try context.parameters.require("digest"),
                                                             message: try context.parameters.require("id"), for: agency)
        var chunks = broker.attachmentChunks(attachment).makeAsyncIterator()
        let first = try await chunks.next()
        let body = ResponseBody { [chunks] writer in
            var chunks = chunks
            if let first { try await writer.write(ByteBuffer(data: first)) }
            while let chunk = try await chunks.next() {
                try await writer.write(ByteBuffer(data: chunk))
            }
            try await writer.finish(nil)
        }
        let headers: HTTPFields = [
            .contentType: attachment.mediaType, .contentLength: String(attachment.size),
            .reprDigest: "sha-256=:\(attachment.digest.bytes.base64EncodedString()):",
            .cacheControl: "no-store", .xContentTypeOptions: "nosniff",
        ]
        return Response(status: .ok, headers: headers, body: body)
    }
}

extension HTTPField.Name {
    /// RFC 9530: the digest of the representation sent.
    static let reprDigest = HTTPField.Name("Repr-Digest")!
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
}
