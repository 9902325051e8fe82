import Foundation
import HTTPTypes
import Hummingbird
import ShareBroker
import ShareModel

/// `PUT /v1/webhook`, `GET /v1/webhook` and `DELETE /v1/webhook`: the caller's push endpoint.
struct WebhookRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.put("webhook", use: register)
        group.get("webhook", use: show)
        group.delete("webhook", use: remove)
    }

    @Sendable func register(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let body = try await request.decodeJSON(WebhookRequest.self, shape: "{\"url\": \"https://...\"}")
        let url = try await broker.registerWebhook(body, by: agency)
        return try jsonResponse(WebhookAnswer(agency: agency.id.rawValue, url: url))
    }

    @Sendable func show(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        guard let url = try await broker.webhook(of: agency) else {
            throw BrokerError(.notFound, "Agency '\(agency.id)' has no webhook registered; PUT /v1/webhook registers one.")
        }
        return try jsonResponse(WebhookAnswer(agency: agency.id.rawValue, url: url))
    }

    @Sendable func remove(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        try await broker.removeWebhook(by: try context.caller())
        return Response(status: .noContent)
    }
}

struct WebhookAnswer: Encodable {
    let agency: String
    let url: String
}
