public import Foundation
import NIOCore
import NIOFoundationCompat
import ShareModel
import Hummingbird
import ShareBroker
public import ShareStore

/// `GET /v1/inbox` and `POST /v1/deliveries/{id}/ack`.
struct InboxRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("inbox", use: inbox)
        group.post("deliveries/:id/ack", use: acknowledge)
        group.post("deliveries/ack", use: acknowledgeMany)
    }

    @Sendable func acknowledgeMany(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let ids = try await request.decodeJSON(AcknowledgeManyRequest.self, shape: "{\"ids\": [\"<delivery id>\", ...]}").ids
        let result = try await broker.acknowledge(deliveries: ids, by: agency)
        return try jsonResponse(AcknowledgeManyAnswer(
            acknowledged: result.acknowledged.map {
                AcknowledgementAnswer(id: $0.deliveryID.lowercasedString, state: "acknowledged", acknowledgedAt: $0.acknowledgedAt)
            },
            notFound: result.notFound))
    }

    @Sendable func inbox(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let deliveries = try await broker.inbox(
            for: agency, limit: try request.integerQuery("limit"), wait: try request.integerQuery("wait"))
        return try jsonResponse(InboxAnswer(deliveries: deliveries.map(InboxAnswer.Delivery.init)))
    }

    @Sendable func acknowledge(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let acknowledgement = try await broker.acknowledge(delivery: try context.parameters.require("id"), by: agency)
        return try jsonResponse(AcknowledgementAnswer(
            id: acknowledgement.deliveryID.lowercasedString, state: "acknowledged", acknowledgedAt: acknowledgement.acknowledgedAt))
    }
}

/// The caller's deliveries, oldest first.
struct InboxAnswer: Encodable {
    struct Delivery: Encodable {
        let id: String
        let messageId: String
        let type: String
        let sender: String
        /// The JWS exactly as the sender signed it.
        let jws: String
        let attempt: Int
        let createdAt: Date
        let deliveredAt: Date
        let expiresAt: Date?

        init(_ delivery: InboxDelivery) {
            id = delivery.id.lowercasedString
            messageId = delivery.messageID.lowercasedString
            type = delivery.type
            sender = delivery.sender.rawValue
            jws = String(decoding: delivery.jws, as: UTF8.self)
            attempt = delivery.attempt
            createdAt = delivery.createdAt
            deliveredAt = delivery.deliveredAt
            expiresAt = delivery.expiresAt
        }
    }

    let deliveries: [Delivery]
}

struct AcknowledgeManyRequest: Decodable {
    let ids: [String]
}

struct AcknowledgeManyAnswer: Encodable {
    let acknowledged: [AcknowledgementAnswer]
    let notFound: [String]
}

struct AcknowledgementAnswer: Encodable {
    let id: String
    let state: String
    let acknowledgedAt: Date
}

/// A delivery as JSON, the same wherever the broker hands one out (inbox, stream, webhook).
public enum DeliveryJSON {
    public static func encode(_ delivery: InboxDelivery) throws -> Data {
        try JSONCoding.encoder.encode(InboxAnswer.Delivery(delivery))
    }
}
