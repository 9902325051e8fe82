import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat
import ShareBroker
import ShareModel

/// A JSON response with the broker's encoding conventions.
func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) throws -> Response {
    var headers: HTTPFields = [.contentType: "application/json"]
    headers.append(contentsOf: extra)
    let body = try JSONCoding.encoder.encode(value)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
}

/// A JSON response written directly from a `JSONValue` (for answers sent per message).
func jsonResponse(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
    jsonResponse(encoded: JSONWriter.data(value), status: status)
}

/// A JSON response of bytes already written (by a `JSONObjectWriter`).
func jsonResponse(encoded body: Data, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
}

extension Request {
    /// The JSON body decoded as `T`: 415 unless `Content-Type: application/json`, 400 (saying
    /// `shape`) if it is not that shape, 413 over 1 MiB.
    func decodeJSON<T: Decodable>(_ type: T.Type, shape: String) async throws -> T {
        let body = try await jsonBodyBytes(shape: shape)
        guard let value = try? JSONCoding.decoder.decode(T.self, from: Data(buffer: body)) else {
            throw BrokerError(.badRequest, "The body must be a JSON object \(shape).")
        }
        return value
    }

    /// The JSON body as parsed by the broker's own parser (`JSONValue`), for a route that reads
    /// it member by member and says which member is wrong: 415 unless `Content-Type:
    /// application/json`, 400 (saying `shape`) if it is not JSON, 413 over 1 MiB.
    func jsonBody(shape: String) async throws -> JSONValue {
        let body = try await jsonBodyBytes(shape: shape)
        do {
            return try body.withUnsafeReadableBytes { try JSONValue(parsing: $0) }
        } catch {
            throw BrokerError(.badRequest, "The body must be a JSON object \(shape); it is not JSON: \(error).")
        }
    }

    private func jsonBodyBytes(shape: String) async throws -> ByteBuffer {
        guard mediaType == "application/json" else {
            throw BrokerError(.unsupportedMediaType, "Send \(shape) with 'Content-Type: application/json'.")
        }
        return try await readBody(upTo: 1_048_576, what: "body")
    }

    /// The media type of the body, without parameters and the spaces around it, its ASCII
    /// letters lowercased ("application/jose"). Read from the bytes: every publish and
    /// acknowledgement asks.
    var mediaType: String? {
        guard let value = headers.value(of: .contentType) else { return nil }
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var type = value.utf8.prefix { $0 != UInt8(ascii: ";") }.drop(while: isSpace)
        while let last = type.last, isSpace(last) { type = type.dropLast() }
        return String(decoding: type.map { UInt8(ascii: "A")...UInt8(ascii: "Z") ~= $0 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// An optional integer query parameter; a value that is not an integer is a 400.
    func integerQuery(_ name: String) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text) else {
            throw HTTPError(.badRequest, message: "'\(name)' must be a whole number, not '\(text)'.")
        }
        return value
    }
}

extension HTTPField.Name {
    /// Set on a publish answer that repeats the first answer to an identical resend.
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    /// The id of the last Server-Sent Event a reconnecting stream client received.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}
