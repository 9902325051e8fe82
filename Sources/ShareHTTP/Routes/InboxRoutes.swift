public import Foundation
import NIOCore
import NIOFoundationCompat
public import ShareModel
import Hummingbird
import ShareBroker

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
        let ids = try AcknowledgeManyRequest.ids(in: try await request.jsonBody(shape: AcknowledgeManyRequest.shape))
        let result = try await broker.acknowledge(deliveries: ids, by: agency)
        return jsonResponse(.object([
            "acknowledged": .array(result.acknowledged.map { acknowledgementAnswer(id: $0.deliveryID, at: $0.acknowledgedAt) }),
            "notFound": .array(result.notFound.map(JSONValue.string)),
        ]))
    }

    @Sendable func inbox(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let deliveries = try await broker.inbox(
            for: agency, limit: try request.integerQuery("limit"), wait: try request.integerQuery("wait"))
        let encoded = deliveries.map(DeliveryJSON.encode)
        var answer = JSONObjectWriter(capacity: encoded.reduce(32) { $0 + $1.count + 1 })
        answer.add("deliveries", encoded: encoded)
        return jsonResponse(encoded: answer.finish())
    }

    @Sendable func acknowledge(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let acknowledgement = try await broker.acknowledge(delivery: try context.parameters.require("id"), by: agency)
        return jsonResponse(acknowledgementAnswer(id: acknowledgement.deliveryID, at: acknowledgement.acknowledgedAt))
    }

    /// An acknowledged delivery as answered: `{"id", "state": "acknowledged", "acknowledgedAt"}`.
    private func acknowledgementAnswer(id: UUID, at time: Date) -> JSONValue {
        .object(["id": .string(id.lowercasedString), "state": .string("acknowledged"), "acknowledgedAt": .string(Timestamp.format(time))])
    }
}

/// The body of `POST /v1/deliveries/ack`, read with the broker's own JSON parser: cheaper than
/// Foundation's decoder for a body sent for nearly every delivery, and it can say which member
/// is wrong.
enum AcknowledgeManyRequest {
    static let shape = "{\"ids\": [\"<delivery id>\", ...]}"

    /// The texts of `ids` (other members are ignored); 400 with a JSON Pointer to each member
    /// that is not a string, or to `/ids` when it is missing or not an array. Whether each text
    /// is a delivery id is the broker's to say.
    static func ids(in body: JSONValue) throws -> [String] {
        guard let items = body["ids"]?.arrayValue else {
            let problem = body.objectValue == nil
                ? ValidationProblem(pointer: "", message: "Send a JSON object, not a \(body.typeName).")
                : ValidationProblem(pointer: "/ids", message: "List the delivery ids to acknowledge in an array.")
            throw BrokerError(.badRequest, "The body must be a JSON object \(shape).", problems: [problem])
        }
        var ids: [String] = []
        var problems: [ValidationProblem] = []
        for (index, item) in items.enumerated() {
            if let id = item.stringValue {
                ids.append(id)
            } else {
                problems.append(ValidationProblem(pointer: JSONPointer("/ids").appending(index),
                                                  message: "A delivery id is a string (a UUID), not a \(item.typeName)."))
            }
        }
        guard problems.isEmpty else {
            throw BrokerError(.badRequest, "Some ids are not strings; nothing was acknowledged.", problems: problems)
        }
        return ids
    }
}


/// A delivery as JSON, the same wherever the broker hands one out (inbox, stream, webhook):
/// its id, message id, type, sender, the JWS exactly as the sender signed it (for an SD-JWT, with
/// only the disclosures the recipient may see: `RecipientCopy`), the attempt and
/// the times (`respondBy` for an information request: when the broker expects answers; `dueBy`
/// for a type with a delivery deadline: when it expects the acknowledgement). Written directly,
/// as it is written for every delivery.
public enum DeliveryJSON {
    public static func encode(_ delivery: InboxDelivery) -> Data {
        var object = JSONObjectWriter(capacity: delivery.jws.count + 400)
        object.add("attempt", delivery.attempt)
        object.add("createdAt", Timestamp.format(delivery.createdAt))
        object.add("deliveredAt", Timestamp.format(delivery.deliveredAt))
        object.add("dueBy", delivery.dueBy.map(Timestamp.format))
        object.add("expiresAt", delivery.expiresAt.map(Timestamp.format))
        object.add("id", delivery.id)
        object.add("jws", utf8: delivery.jws)
        object.add("messageId", delivery.messageID)
        object.add("respondBy", delivery.respondBy.map(Timestamp.format))
        object.add("sender", delivery.sender.rawValue)
        object.add("type", delivery.type)
        return object.finish()
    }
}
