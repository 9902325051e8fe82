import Foundation
import HTTPTypes
import NIOFoundationCompat
import Hummingbird
import NIOCore
import ShareBroker
import ShareJWS
import ShareModel

/// `POST /v1/messages`, `POST /v1/messages/batch`, `GET /v1/messages/{id}` and `GET /v1/messages/{id}/status`.
struct MessagesRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.post("messages", use: publish)
        group.post("messages/batch", use: publishBatch)
        group.get("messages/:id/status", use: status)
        group.get("messages/:id", use: retrieve)
    }

    @Sendable func publish(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        guard request.mediaType == "application/jose" || request.mediaType == "application/sd-jwt" else {
            throw BrokerError(.unsupportedMediaType, "Send the message as a compact JWS with 'Content-Type: application/jose', or as an SD-JWT with 'Content-Type: application/sd-jwt' (got '\(request.headers[.contentType] ?? "none")').")
        }
        let body = try await request.readBody(upTo: broker.configuration.maxMessageBytes, what: "message")
        // Whitespace after the JWS (a file's final newline, sent by `curl --data-binary @file`) is
        // not part of the message: the broker stores and delivers the JWS without it.
        let result = try await broker.publish(CompactJWS.trimmingTrailingWhitespace(Data(buffer: body)), from: agency)
        var response = jsonResponse(.object(publishAnswer(result.receipt)), status: .created)
        if result.replayed { response.headers[.idempotentReplayed] = "true" }
        return response
    }

    @Sendable func publishBatch(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        guard request.mediaType == "application/json" else {
            throw BrokerError(.unsupportedMediaType, "Send a batch as {\"messages\": [\"<compact JWS>\", …]} with 'Content-Type: application/json' (got '\(request.headers[.contentType] ?? "none")').")
        }
        let configuration = broker.configuration
        let body = try await request.readBody(upTo: configuration.maxBatchBytes, what: "batch")
        let messages = try BatchBody.messages(in: Data(buffer: body), limit: configuration.maxBatchMessages)
        let results = try await broker.publish(messages, from: agency)
        return jsonResponse(BatchPublish.answer(results) { ProblemDocument.describing($0, logger: context.logger) })
    }

    @Sendable func status(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let id = try context.parameters.require("id")
        return try jsonResponse(StatusAnswer(try await broker.status(message: id, for: agency)))
    }
}

/// The members of the 201 answer to a publish: the message id, its recipients, its audit log
/// index and, for a type with a delivery deadline, each recipient's `dueBy`.
func publishAnswer(_ receipt: PublishReceipt) -> [JSONKey: JSONValue] {
    var answer: [JSONKey: JSONValue] = [
        "id": .string(receipt.id.lowercasedString), "recipients": .array(receipt.recipients.map { .string($0.rawValue) }),
        "audit": .object(["index": .number(Double(receipt.auditIndex))]),
    ]
    if !receipt.dueBy.isEmpty {
        answer["dueBy"] = .object(Dictionary(uniqueKeysWithValues: receipt.dueBy.map { (JSONKey($0.key.rawValue), .string(Timestamp.format($0.value))) }))
    }
    return answer
}

/// A message's delivery state for its sender.
struct StatusAnswer: Encodable {
    struct Recipient: Encodable {
        let agency: String
        let deliveryId: String
        let state: String
        let attempts: Int
        let createdAt: Date
        let firstDeliveredAt: Date?
        let lastDeliveredAt: Date?
        let acknowledgedAt: Date?
        /// For a type with a delivery deadline: when the recipient must acknowledge.
        let dueBy: Date?
    }

    /// A message that answers this one; `late` when it arrived after the request's `respondBy`.
    struct Answer: Encodable {
        let agency: String
        let messageId: String
        let receivedAt: Date
        let late: Bool?
    }

    let id: String
    let type: String
    let receivedAt: Date
    let expiresAt: Date?
    let respondBy: Date?
    let recipients: [Recipient]
    let answers: [Answer]
    /// When the message's retention ended and its content was destroyed.
    let purgedAt: Date?

    init(_ status: MessageStatus) {
        id = status.id.lowercasedString
        type = status.type
        receivedAt = status.receivedAt
        expiresAt = status.expiresAt
        respondBy = status.respondBy
        purgedAt = status.purgedAt
        answers = status.answers.map {
            Answer(agency: $0.agency.rawValue, messageId: $0.messageID.lowercasedString, receivedAt: $0.receivedAt,
                   late: status.respondBy.map { [receivedAt = $0.receivedAt] in MessageAnswer.isLate(receivedAt: receivedAt, respondBy: $0) })
        }
        recipients = status.deliveries.map {
            Recipient(agency: $0.recipient.rawValue, deliveryId: $0.id.lowercasedString, state: $0.state.rawValue, attempts: $0.attempts,
                      createdAt: $0.createdAt, firstDeliveredAt: $0.firstDeliveredAt,
                      lastDeliveredAt: $0.lastDeliveredAt, acknowledgedAt: $0.acknowledgedAt, dueBy: $0.dueBy)
        }
    }
}
