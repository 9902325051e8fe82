import Hummingbird
import NIOCore
import ShareBroker

extension Request {
    /// The whole body, at most `limit` bytes, however it is framed (Content-Length, chunked
    /// HTTP/1.1 or HTTP/2 frames). Over the limit: 413 `message-too-large` saying `what` is too
    /// large, before reading when the length is announced, as soon as it is passed otherwise.
    /// A body the client stops sending part-way throws `IncompleteRequestBody`.
    func readBody(upTo limit: Int, what: String) async throws -> ByteBuffer {
        if let length = headers.value(of: .contentLength).flatMap(Int.init), length > limit {
            throw BrokerError(.tooLarge, "The \(what) is \(length) bytes; the limit is \(limit).")
        }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw BrokerError(.tooLarge, "The \(what) is larger than the limit of \(limit) bytes.")
        } catch {
            throw IncompleteRequestBody(cause: error)
        }
    }
}

/// The client closed the connection or reset the stream before its request body ended. It is
/// the client's doing, not a fault of the broker: it is answered 400 and logged at info.
struct IncompleteRequestBody: Error {
    /// What the connection reported; logged by type only.
    let cause: any Error
}
