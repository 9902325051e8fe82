import AsyncHTTPClient
import Foundation
import NIOCore
import ShareModel

/// A delivery received on a stream, with the event id to resume after.
public struct StreamedDelivery: Sendable, Equatable {
    /// The Server-Sent Event id: give it to `ShareClient.stream(after:)` to resume after this delivery.
    public let eventID: Int
    public let delivery: Delivery
}

/// The deliveries of one open stream, in the order the broker sent them. It can be iterated
/// once; stopping the iteration closes the stream.
public struct StreamedDeliveries: AsyncSequence, Sendable {
    public typealias Element = StreamedDelivery

    let body: HTTPClientResponse.Body

    public func makeAsyncIterator() -> Iterator {
        Iterator(bytes: body.makeAsyncIterator())
    }

    public struct Iterator: AsyncIteratorProtocol {
        var bytes: HTTPClientResponse.Body.AsyncIterator
        var parser = ServerSentEventParser()
        var ready: ArraySlice<ServerSentEventParser.Event> = []

        /// The next delivery; nil when the broker ends the stream. Heartbeats are skipped.
        public mutating func next() async throws -> StreamedDelivery? {
            while true {
                if let event = ready.popFirst() {
                    guard event.type == "delivery", let eventID = Int(event.id) else { continue }
                    guard let json = try? JSONValue(parsing: Data(event.data.utf8)), let delivery = Delivery(json: json) else {
                        throw ShareClientError(status: 200, problem: nil, reason: "Stream event \(eventID) is not a delivery.")
                    }
                    return StreamedDelivery(eventID: eventID, delivery: delivery)
                }
                guard let buffer = try await bytes.next() else { return nil }
                ready += parser.feed(buffer.readableBytesView)
            }
        }
    }
}
