import Foundation
import HTTPTypes
import Hummingbird
import ShareBroker
import ShareModel

/// `POST /v1/subscriptions`, `GET /v1/subscriptions` and `DELETE /v1/subscriptions/{id}`: the
/// caller's standing requests for message types in its areas.
struct SubscriptionRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.post("subscriptions", use: create)
        group.get("subscriptions", use: list)
        group.delete("subscriptions/:id", use: remove)
    }

    @Sendable func create(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let body = try await request.decodeJSON(
            SubscriptionRequest.self,
            shape: "{\"types\": [\"mash-enquiry/1\"], \"areas\": [\"E99999999\"], \"filters\": [{\"pointer\": \"/payload/urgency\", \"values\": [\"red\"]}]}")
        let subscription = try await broker.subscribe(body, by: agency)
        return try jsonResponse(SubscriptionAnswer(subscription), status: .created,
                                headers: [.location: "/v1/subscriptions/\(subscription.id.lowercasedString)"])
    }

    @Sendable func list(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        return try jsonResponse(SubscriptionListAnswer(subscriptions: try await broker.subscriptions(of: agency).map(SubscriptionAnswer.init)))
    }

    @Sendable func remove(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        try await broker.unsubscribe(try context.parameters.require("id"), by: agency)
        return Response(status: .noContent)
    }
}

/// A subscription as the API writes it.
struct SubscriptionAnswer: Encodable {
    let id: String
    let agency: String
    let types: [String]
    let areas: [String]
    let filters: [SubscriptionFilter]
    let createdAt: Date

    init(_ subscription: Subscription) {
        id = subscription.id.lowercasedString
        agency = subscription.agency.rawValue
        types = subscription.types
        areas = subscription.areas
        filters = subscription.filters
        createdAt = subscription.createdAt
    }
}

struct SubscriptionListAnswer: Encodable {
    let subscriptions: [SubscriptionAnswer]
}
