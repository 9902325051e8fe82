import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ShareBroker

/// `GET /v1/stream`: the caller's deliveries as Server-Sent Events.
struct StreamRoutes {
    let broker: Broker
    private let closer: StalledStreamCloser

    /// How long a stream whose client stopped reading may keep its connection once the broker
    /// is stopping, before the connection is closed under it.
    static let stalledWriteGrace: Duration = .seconds(1)

    init(broker: Broker) {
        self.broker = broker
        closer = StalledStreamCloser(broker: broker, grace: Self.stalledWriteGrace)
    }

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("stream", use: stream)
    }

    @Sendable func stream(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let agency = try context.caller()
        let lastEventID = request.headers[.lastEventID] ?? request.uri.queryParameters.get("lastEventId").map { String($0) }
        let events = try broker.stream(for: agency, lastEventID: lastEventID)
        let channel = context.channel
        let logger = context.logger
        let closer = self.closer
        let body = ResponseBody { writer in
            var sent = 0
            defer { logger.info("Delivery stream ended", metadata: [ShareLogKey.count: "\(sent)"]) }
            try await closer.watching(channel) {
                for try await event in events {
                    try await writer.write(ServerSentEvents.frame(event))
                    if case .delivery = event { sent += 1 }
                }
                try await writer.finish(nil)
            }
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }
}
