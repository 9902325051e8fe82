import Foundation
import NIOCore
import ShareBroker
import ShareModel

/// The `text/event-stream` framing of a delivery stream: each delivery is an event with
/// `id: <sequence>`, `event: delivery` and its inbox JSON on one `data:` line; a heartbeat is
/// a comment line.
enum ServerSentEvents {
    static let heartbeat = ByteBuffer(string: ": heartbeat\n\n")

    static func frame(_ event: StreamEvent) -> ByteBuffer {
        switch event {
        case .heartbeat:
            return heartbeat
        case .delivery(let delivery):
            let json = DeliveryJSON.encode(delivery)
            var buffer = ByteBuffer(string: "id: \(delivery.sequence)\nevent: delivery\ndata: ")
            buffer.writeBytes(json)
            buffer.writeString("\n\n")
            return buffer
        }
    }
}
