import Foundation
import Logging
public import Hummingbird
import NIOCore
public import ShareBroker
import ShareModel

/// An RFC 9457 problem details document (`application/problem+json`).
struct ProblemDocument: Encodable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let code: String
    let errors: [ValidationProblem]?

    init(_ error: BrokerError) {
        let entry = ProblemCatalogue.entry(for: error.code)
        self.type = ProblemCatalogue.typePrefix + error.code.rawValue
        self.title = entry.title
        self.status = Int(entry.status.code)
        self.detail = error.detail
        self.code = error.code.rawValue
        self.errors = error.problems.isEmpty ? nil : error.problems
    }

    func response(status: HTTPResponse.Status, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: extra)
        let body = (try? JSONCoding.encoder.encode(self)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension BrokerError: ResponseGenerator {}
extension BrokerError: HTTPResponseError {
    public var status: HTTPResponse.Status { ProblemCatalogue.entry(for: code).status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [:]
        if code == .storeUnavailable || code == .shuttingDown { headers[.retryAfter] = "5" }
        return ProblemDocument(self).response(status: status, headers: headers)
    }
}

/// Renders every failure as a problem document: broker refusals as themselves, framework
/// errors by their status, a body the client abandoned as a 400 (logged at info: the client's
/// doing), and anything unexpected as a 500 whose detail stays in the log.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as BrokerError {
            return try error.response(from: request, context: context)
        } catch let error as HTTPError {
            let code: BrokerError.Code =
                switch error.status {
                case .notFound: .notFound
                case .contentTooLarge: .tooLarge
                case .unauthorized: .certificateRequired
                case .unsupportedMediaType: .unsupportedMediaType
                default: .badRequest
                }
            let detail = error.status == .notFound
                ? "No such route: \(request.method) \(request.uri.path). See the API in README.md."
                : (error.body ?? error.status.reasonPhrase)
            let document = ProblemDocument(BrokerError(code, detail))
            return document.response(status: error.status)
        } catch let error as IncompleteRequestBody {
            context.logger.info("Request body not received in full; the client stopped sending or went away",
                                metadata: ["share.error_type": "\(Swift.type(of: error.cause))"])
            return ProblemDocument(BrokerError(.badRequest, "The request body ended before it was complete."))
                .response(status: .badRequest)
        } catch {
            return ProblemDocument.unexpected(error, logger: context.logger).response(status: .internalServerError)
        }
    }
}

extension ProblemDocument {
    /// A 500 for a failure nobody anticipated; its detail goes to the log, never to the caller.
    static func unexpected(_ error: any Error, logger: Logger) -> ProblemDocument {
        logger.error("Unexpected error", metadata: ["share.error_type": "\(Swift.type(of: error))"])
        logger.debug("Unexpected error detail", metadata: ["share.error": "\(String(reflecting: error))"])
        return ProblemDocument(type: ProblemCatalogue.typePrefix + "internal-error", title: "Internal error",
                               status: 500, detail: "The broker failed unexpectedly; nothing was changed by this request. Report the time to the operators.",
                               code: "internal-error", errors: nil)
    }

    /// The problem of any failure: a broker refusal as itself, anything else as `unexpected`.
    static func describing(_ error: any Error, logger: Logger) -> ProblemDocument {
        (error as? BrokerError).map(ProblemDocument.init) ?? unexpected(error, logger: logger)
    }

    init(type: String, title: String, status: Int, detail: String, code: String, errors: [ValidationProblem]?) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
        self.errors = errors
    }

    /// The document as a JSON value, for embedding in a larger answer: its own encoding,
    /// read back, so the two can never differ.
    var jsonValue: JSONValue {
        (try? JSONCoding.encoder.encode(self)).flatMap { try? JSONValue(parsing: $0) } ?? .null
    }
}
