import Hummingbird
import ShareBroker
import ShareModel

extension MessagesRoutes {
    /// `GET /v1/messages/{id}`: the message again, for its sender and the recipients it was
    /// delivered to: `{"id", "type", "sender", "receivedAt", "expiresAt", "respondBy", "jws"}`.
    @Sendable func retrieve(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let message = try await broker.retrieve(message: try context.parameters.require("id"), for: try context.caller())
        var object = JSONObjectWriter(capacity: message.jws.count + 300)
        object.add("expiresAt", message.expiresAt.map(Timestamp.format))
        object.add("id", message.id)
        object.add("jws", utf8: message.jws)
        object.add("receivedAt", Timestamp.format(message.receivedAt))
        object.add("respondBy", message.respondBy.map(Timestamp.format))
        object.add("sender", message.sender.rawValue)
        object.add("type", message.type)
        return jsonResponse(encoded: object.finish())
    }
}
