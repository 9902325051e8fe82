import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL
import ShareLocking
import ShareModel

/// A client of the broker for an agency's own systems: publish, inbox, acknowledge, status,
/// directory. Every call uses mutual TLS 1.3 with the agency's certificate.
///
/// **Several broker URLs.** A request goes first to the URL that last answered (the first
/// URL to begin with) and, if that URL gives no answer, to the next, wrapping round, each at
/// most once; the URL that answers is remembered for the next request. What moves a request
/// on:
/// - no connection (refused, unreachable, connect or TLS handshake failure or timeout):
///   every request, since the broker never saw it;
/// - the connection lost before the answer, or a 503 answer (the node is stopping or its
///   store cannot write): only requests that are harmless to repeat, which is every request
///   of this client but `subscribe`: reads, `unsubscribe`, publishes (a resend of the same
///   JWS is answered with the first answer) and acknowledgements;
/// - any other answer, such as a 4xx refusal: never; it is the broker's answer.
///
/// When no URL answers, the error names each URL and what went wrong there; when one
/// answered 503 and none answered otherwise, its 503 is the result. With one URL a refused
/// connection is retried for up to 10 seconds, as a single broker restarts; with several,
/// the next URL is tried at once.
public final class ShareClient: Sendable {
    let http: HTTPClient
    /// The broker's base URLs, without a trailing slash.
    let urls: [String]
    /// The index in `urls` of the URL that answered last, where the next request starts.
    let preferred = Locked(0)

    /// Builds the TLS client. Throws `ShareClientError` naming a file that cannot be read, or
    /// when `configuration` has no URL.
    public init(configuration: ShareClientConfiguration) throws {
        guard !configuration.urls.isEmpty else {
            throw ShareClientError(status: nil, problem: nil, reason: "No broker URL is configured; give at least one.")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv13
        tls.trustRoots = .certificates(try Self.load("CA", configuration.caFile) { try NIOSSLCertificate.fromPEMFile($0) })
        tls.certificateChain = try Self.load("client certificate", configuration.certificateFile) {
            try NIOSSLCertificate.fromPEMFile($0)
        }.map { .certificate($0) }
        tls.privateKey = .privateKey(try Self.load("client key", configuration.keyFile) {
            try NIOSSLPrivateKey(file: $0, format: .pem)
        })
        var httpConfiguration = HTTPClient.Configuration(tlsConfiguration: tls)
        httpConfiguration.timeout = .init(connect: .seconds(10), read: .seconds(330))
        httpConfiguration.connectionPool.retryConnectionEstablishment = configuration.urls.count == 1
        if configuration.http1Only { httpConfiguration.httpVersion = .http1Only }
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        urls = configuration.urls.map { url in
            url.absoluteString.hasSuffix("/") ? String(url.absoluteString.dropLast()) : url.absoluteString
        }
    }

    /// Closes connections. Call once when done.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Runs `body` with a new client for `configuration` and shuts it down afterwards, also
    /// when `body` throws.
    public static func with<T>(_ configuration: ShareClientConfiguration,
                               _ body: (ShareClient) async throws -> T) async throws -> T {
        let client = try ShareClient(configuration: configuration)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Publishes a compact JWS, or an SD-JWT (`MessageSigner.sign(envelope:disclosable:)`). Returns
    /// the broker's answer (the first answer again for an identical resend).
    public func publish(jws: String) async throws -> PublishAnswer {
        let contentType = jws.utf8.contains(UInt8(ascii: "~")) ? "application/sd-jwt" : "application/jose"
        return try decode(try await send("POST", "/v1/messages", body: Data(jws.utf8), contentType: contentType), expect: 201)
    }

    /// Publishes several messages in one request; each is accepted or refused on its own.
    public func publish(batch jws: [String]) async throws -> BatchPublishAnswer {
        let body = try JSONEncoder().encode(["messages": jws])
        return try decode(try await send("POST", "/v1/messages/batch", body: body, contentType: "application/json"), expect: 200)
    }

    /// Up to `limit` deliveries, waiting up to `wait` seconds for the first.
    public func inbox(limit: Int = 10, wait: Int = 0) async throws -> [Delivery] {
        let answer: InboxAnswer = try decode(try await send("GET", "/v1/inbox?limit=\(limit)&wait=\(wait)"), expect: 200)
        return answer.deliveries
    }

    public func acknowledge(delivery id: UUID) async throws -> AcknowledgementAnswer {
        try decode(try await send("POST", "/v1/deliveries/\(id.lowercasedString)/ack"), expect: 200)
    }

    /// Acknowledges several deliveries in one request (and one transaction).
    public func acknowledge(deliveries ids: [UUID]) async throws -> AcknowledgeManyAnswer {
        let body = try JSONEncoder().encode(["ids": ids.map { $0.lowercasedString }])
        return try decode(try await send("POST", "/v1/deliveries/ack", body: body, contentType: "application/json"), expect: 200)
    }

    public func status(message id: UUID) async throws -> StatusAnswer {
        try decode(try await send("GET", "/v1/messages/\(id.lowercasedString)/status"), expect: 200)
    }

    public func directory() async throws -> DirectoryAnswer {
        try decode(try await send("GET", "/v1/directory"), expect: 200)
    }

    /// A raw response, for callers that inspect statuses and headers themselves.
    public struct RawResponse: Sendable {
        public let status: Int
        public let headers: [(String, String)]
        public let body: Data

        public func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        init(_ response: HTTPClientResponse) async throws {
            status = Int(response.status.code)
            headers = response.headers.map { ($0.name, $0.value) }
            body = Data(buffer: try await response.body.collect(upTo: 64 * 1024 * 1024))
        }

        /// The error for an answer that is not the one expected, with the broker's problem document.
        var refusal: ShareClientError {
            ShareClientError(status: status, problem: try? JSONDecoder().decode(Problem.self, from: body),
                             reason: "The broker answered \(status): \(String(decoding: body.prefix(500), as: UTF8.self))")
        }
    }

    /// Sends one request to a path of the broker, moving to the next URL as the type's
    /// documentation says.
    public func send(_ method: String, _ path: String, body: Data? = nil, contentType: String? = nil) async throws -> RawResponse {
        var headers = HTTPHeaders()
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return try await RawResponse(try await exchange(method, path, headers: headers, body: body.map { ByteBuffer(data: $0) }).response)
    }

    /// GETs a path and decodes the JSON answer, or throws `ShareClientError`.
    func get<T: Decodable>(_ path: String) async throws -> T {
        try decode(try await send("GET", path), expect: 200)
    }

    /// Throws the broker's problem, as `ShareClientError`, unless the answer has `status`.
    func expect(_ response: RawResponse, status: Int) throws {
        guard response.status == status else { throw response.refusal }
    }

    /// The JSON answer if the status is `status`; otherwise the problem, as `ShareClientError`.
    func decode<T: Decodable>(_ response: RawResponse, expect status: Int) throws -> T {
        try expect(response, status: status)
        do {
            return try JSONDecoder().decode(T.self, from: response.body)
        } catch {
            throw ShareClientError(status: response.status, problem: nil, reason: "The broker's answer could not be read as \(T.self).")
        }
    }

    private static func load<T>(_ what: String, _ path: String, _ read: (String) throws -> T) throws -> T {
        do {
            return try read(path)
        } catch {
            throw ShareClientError(status: nil, problem: nil, reason: "Cannot read the \(what) from \(path) (PEM expected).")
        }
    }
}
