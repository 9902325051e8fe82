import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShareBroker
import ShareCatalogue
import ShareModel

/// `GET /v1/schemas` and `GET /v1/schemas/{name}[/{version}]`: the message catalogue the broker
/// validates every message against, served byte for byte as `application/schema+json`.
struct SchemaRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("schemas", use: list)
        group.get("schemas/:name", use: document)
        group.get("schemas/:name/:version", use: messageType)
    }

    @Sendable func list(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        _ = try context.caller()
        let entries = broker.catalogue.entries.map { entry in
            SchemaListAnswer.Entry(
                id: entry.id, title: entry.title, messageType: entry.messageType?.description,
                href: "/v1/schemas/" + (entry.messageType.map { "\($0.name)/\($0.version)" } ?? entry.name))
        }
        return try jsonResponse(SchemaListAnswer(schemas: entries))
    }

    /// A document that is not a message type's, such as `envelope` or `common`.
    @Sendable func document(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        _ = try context.caller()
        let name = try context.parameters.require("name")
        guard let entry = broker.catalogue.entry(named: name), entry.messageType == nil else {
            throw BrokerError(.notFound, "No schema '\(name)'. Message types are at /v1/schemas/NAME/VERSION; GET /v1/schemas lists them all.")
        }
        return Self.schemaResponse(entry)
    }

    @Sendable func messageType(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        _ = try context.caller()
        let text = try context.parameters.require("name") + "/" + context.parameters.require("version")
        guard let type = MessageType(text), let entry = broker.catalogue.entry(for: type) else {
            throw BrokerError(.notFound, "No message type '\(text)' in the catalogue; GET /v1/schemas lists the types this broker accepts.")
        }
        return Self.schemaResponse(entry)
    }

    private static func schemaResponse(_ entry: MessageCatalogue.Entry) -> Response {
        Response(status: .ok, headers: [.contentType: "application/schema+json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: entry.bytes)))
    }
}

/// The catalogue's documents: `messageType` is set for message type schemas.
struct SchemaListAnswer: Encodable {
    struct Entry: Encodable {
        let id: String
        let title: String?
        let messageType: String?
        let href: String
    }

    let schemas: [Entry]
}
