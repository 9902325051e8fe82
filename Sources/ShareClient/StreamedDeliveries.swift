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

/// The deliveries of one stream, in the order the broker sent them. It can be iterated once;
/// stopping the iteration closes the stream. With several broker URLs it goes on from the
/// next URL when a node ends or breaks the stream (see `ShareClient.stream(after:)`).
public struct StreamedDeliveries: AsyncSequence, Sendable {
    public typealias Element = StreamedDelivery

    let client: ShareClient
    let opened: ShareClient.Exchange
    let lastEventID: Int?

    public func makeAsyncIterator() -> Iterator {
        Iterator(client: client, bytes: opened.response.body.makeAsyncIterator(), urlIndex: opened.urlIndex,
                 lastEventID: lastEventID)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let client: ShareClient
        var bytes: HTTPClientResponse.Body.AsyncIterator
        /// The index of the URL the current connection is to.
        var urlIndex: Int
        var lastEventID: Int?
        var parser = ServerSentEventParser()
        var ready: ArraySlice<ServerSentEventParser.Event> = []
        /// Whether the current connection has sent anything, even a heartbeat.
        var heardFrom = false
        /// Connections in a row that ended without sending anything.
        var silentEnds = 0

        /// The next delivery; nil when the stream ends. Heartbeats are skipped.
        public mutating func next() async throws -> StreamedDelivery? {
            while true {
                if let event = ready.popFirst() {
                    guard event.type == "delivery", let eventID = Int(event.id) else { continue }
                    guard let json = try? JSONValue(parsing: Data(event.data.utf8)), let delivery = Delivery(json: json) else {
                        throw ShareClientError(status: 200, problem: nil, reason: "Stream event \(eventID) is not a delivery.")
                    }
                    lastEventID = eventID
                    return StreamedDelivery(eventID: eventID, delivery: delivery)
                }
                if let buffer = try await nextBytes() {
                    heardFrom = true
                    ready += parser.feed(buffer.readableBytesView)
                } else if try await !reopen() {
                    return nil
                }
            }
        }

        /// The next bytes of the connection; nil when it ended, or broke while another URL may take over.
        private mutating func nextBytes() async throws -> ByteBuffer? {
            do {
                return try await bytes.next()
            } catch where client.resumesStreams && !Task.isCancelled {
                return nil
            }
        }

        /// Opens the stream again after the last delivery, on the next URL first; false when the
        /// sequence ends instead (one URL, cancelled, or every URL ended a stream in silence).
        private mutating func reopen() async throws -> Bool {
            guard client.resumesStreams, !Task.isCancelled else { return false }
            silentEnds = heardFrom ? 0 : silentEnds + 1
            guard silentEnds < client.urls.count else { return false }
            let opened = try await client.openStream(after: lastEventID, leaving: urlIndex)
            bytes = opened.response.body.makeAsyncIterator()
            urlIndex = opened.urlIndex
            parser = ServerSentEventParser()
            heardFrom = false
            return true
        }
    }
}
