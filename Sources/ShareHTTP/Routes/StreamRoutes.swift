import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShareBroker

/// `GET /v1/stream`: the caller's deliveries as Server-Sent Events.
struct StreamRoutes {
    let broker: Broker

    /// How long a stream whose client stopped reading may keep its connection once the broker
    /// is stopping, before the connection is closed under it.
    static let stalledWriteGrace: Duration = .seconds(1)

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let lastEventID = request.headers[.lastEventID] ?? request.uri.queryParameters.get("lastEventId").map { String($0) }
        let events = try broker.stream(for: agency, lastEventID: lastEventID)
        let channel = context.channel
        let logger = context.logger
        let broker = self.broker
        let body = ResponseBody { writer in
            var sent = 0
            defer { logger.info("Delivery stream ended", metadata: [ShareLogKey.count: "\(sent)"]) }
            try await Self.closingWhenStalled(channel, broker: broker) {
                for try await event in events {
                    try await writer.write(ServerSentEvents.frame(event))
                    if case .delivery = event { sent += 1 }
                }
                try await writer.finish(nil)
            }
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }

    /// Runs `body`. The stream ends by itself when the broker stops, unless its client stopped
    /// reading and a write is waiting: then the connection is closed, so the write fails and the
    /// shutdown is not held.
    private static func closingWhenStalled(_ channel: any Channel, broker: Broker,
                                           _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await broker.untilStopping()
                try await Task.sleep(for: stalledWriteGrace)
                channel.closeBeneathTLS()
            }
            defer { group.cancelAll() }
            try await body()
        }
    }
}
