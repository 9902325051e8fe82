import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import ShareBroker
import ShareModel

/// `POST /v1/flags/query` and `GET /v1/flags/accesses`: child-protection flags (README
/// "Child-protection flags"). The subject is named in the body, never in the URL, so NHS
/// numbers stay out of access logs.
struct FlagRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.post("flags/query", use: query)
        group.get("flags/accesses", use: accesses)
    }

    @Sendable func query(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let shape = "{\"nhsNumber\": \"...\", \"setting\": \"emergency-department\"}"
        guard request.mediaType == "application/json" else {
            throw BrokerError(.unsupportedMediaType, "Send \(shape) with 'Content-Type: application/json'.")
        }
        let body = try await request.readBody(upTo: 65_536, what: "flag query")
        guard let document = try? JSONValue(parsing: Data(buffer: body)) else {
            throw BrokerError(.badRequest, "The body must be a JSON object such as \(shape).")
        }
        return try jsonResponse(try await broker.queryFlags(document, by: agency))
    }

    @Sendable func accesses(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        return try jsonResponse(try await broker.flagAccesses(
            for: agency, fromIndex: try request.integerQuery("fromIndex"), limit: try request.integerQuery("limit")))
    }
}
