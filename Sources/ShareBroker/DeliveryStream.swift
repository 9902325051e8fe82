public import ShareModel
import ShareStore

/// What a delivery stream sends next.
public enum StreamEvent: Sendable, Equatable {
    /// A delivery, recorded as delivered just before it is returned.
    case delivery(InboxDelivery)
    /// Nothing was sent for the heartbeat interval: a sign of life for idle connections.
    case heartbeat
}

/// One recipient's deliveries: first those waiting after the starting sequence, then each new
/// one as soon as it is committed, with heartbeats while idle. It ends when the broker stops.
///
/// A delivery published while the agency has a stream open was handed out in the publish
/// transaction (`StreamRegistry`); the stream only reads it. Any other delivery (published
/// before the stream opened, or whose hand-out has lapsed) is handed out by the stream as
/// the consumer asks for it, so a consumer that stops reading holds up nothing but itself.
public struct DeliveryStream: AsyncSequence, Sendable {
    public typealias Element = StreamEvent

    /// Deliveries handed out per store transaction.
    static let batchSize = 10

    let broker: Broker
    let agency: AgencyID
    let after: Int
    /// Keeps the agency counted as streaming while this stream exists.
    let lease: StreamLease

    public func makeAsyncIterator() -> Iterator {
        Iterator(broker: broker, agency: agency, after: after, lastSent: .now, lease: lease)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let broker: Broker
        let agency: AgencyID
        /// The sequence of the last delivery handed out (or the one the stream resumes after).
        var after: Int
        var lastSent: ContinuousClock.Instant
        var pending: ArraySlice<InboxDelivery> = []
        let lease: StreamLease

        init(broker: Broker, agency: AgencyID, after: Int, lastSent: ContinuousClock.Instant, lease: StreamLease) {
            self.broker = broker
            self.agency = agency
            self.after = after
            self.lastSent = lastSent
            self.lease = lease
        }

        /// The next event, or nil once the broker is stopping or the task is cancelled.
        public mutating func next() async throws -> StreamEvent? {
            let notifier = broker.notifier
            while !notifier.isClosed && !Task.isCancelled {
                if let delivery = pending.popFirst() {
                    lastSent = .now
                    return .delivery(delivery)
                }
                let generation = notifier.generation(of: agency)
                pending = try await broker.nextForStream(agency, after: after, limit: DeliveryStream.batchSize)[...]
                if let last = pending.last {
                    after = last.sequence
                    continue
                }
                let heartbeatAt = lastSent + broker.configuration.streamHeartbeat
                if ContinuousClock.now >= heartbeatAt {
                    lastSent = .now
                    return .heartbeat
                }
                await notifier.wait(.stream, for: agency, after: generation, timeout: heartbeatAt - .now)
            }
            return nil
        }
    }
}
