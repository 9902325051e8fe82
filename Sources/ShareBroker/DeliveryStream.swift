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
/// transaction (`StreamRegistry`). One published on this process reaches the stream in memory
/// (its mailbox, `PushedDelivery`) and is sent without reading the store when it follows the
/// last delivery sent (`StreamHandOut.previous`); anything else (a delivery from another
/// process or a timer, one out of place, or a mailbox that overflowed) makes the stream read
/// the store. Any delivery not handed out at publish (published before the stream opened, or
/// whose hand-out has lapsed) is handed out by the stream as the consumer asks for it, so a
/// consumer that stops reading holds up nothing but itself.
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
        Iterator(broker: broker, agency: agency, after: after, lastSent: .now, lease: lease,
                 mailbox: StreamMailbox(notifier: broker.notifier, agency: agency))
    }

    public struct Iterator: AsyncIteratorProtocol {
        let broker: Broker
        let agency: AgencyID
        /// The sequence of the last delivery handed out (or the one the stream resumes after).
        var after: Int
        var lastSent: ContinuousClock.Instant
        var pending: ArraySlice<InboxDelivery> = []
        let lease: StreamLease
        let mailbox: StreamMailbox
        /// Pushed deliveries not yet sent, in sequence order.
        var held: [PushedDelivery] = []
        /// True once the store had nothing after `after` and nothing since needs it read again.
        var caughtUp = false

        init(broker: Broker, agency: AgencyID, after: Int, lastSent: ContinuousClock.Instant, lease: StreamLease, mailbox: StreamMailbox) {
            self.broker = broker
            self.agency = agency
            self.after = after
            self.lastSent = lastSent
            self.lease = lease
            self.mailbox = mailbox
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
                let next = takePushed()
                if let last = next.last {
                    pending = try await broker.pushedToStream(next, for: agency)[...]
                    after = last.sequence
                    continue
                }
                if !caughtUp {
                    let batch = try await broker.nextForStream(agency, after: after)
                    pending = batch.deliveries[...]
                    if let last = pending.last {
                        after = last.sequence
                    }
                    if batch.isAll {
                        // The store, read after every held delivery was committed, had nothing
                        // more to send: what it did not send of them is not to be sent, and
                        // anything committed since comes with a signal after `generation`.
                        held = []
                        caughtUp = true
                    }
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

        /// The pushed deliveries that follow `after` in the agency's sequence, in order, still
        /// current; anything pushed that cannot be placed so, or has lapsed, leaves the stream
        /// to read the store.
        private mutating func takePushed() -> [InboxDelivery] {
            let mail = mailbox.take()
            if mail.needsRead { caughtUp = false }
            guard !mail.deliveries.isEmpty || !held.isEmpty else { return [] }
            let now = broker.clock.now()
            let cursor = after
            let candidates = (held + mail.deliveries).filter { $0.delivery.sequence > cursor }
            held = candidates.filter { $0.isCurrent(at: now) }.sorted { $0.delivery.sequence < $1.delivery.sequence }
            if held.count < candidates.count { caughtUp = false }
            var next: [InboxDelivery] = []
            var last = cursor
            while let first = held.first, first.previous <= last {
                next.append(first.delivery)
                last = first.delivery.sequence
                held.removeFirst()
            }
            if !held.isEmpty { caughtUp = false }
            return next
        }
    }
}

/// One stream's mailbox in the notifier, closed when the stream is released.
final class StreamMailbox: Sendable {
    private let notifier: DeliveryNotifier
    private let agency: AgencyID
    private let id: Int

    init(notifier: DeliveryNotifier, agency: AgencyID) {
        self.notifier = notifier
        self.agency = agency
        id = notifier.openMailbox(for: agency)
    }

    /// What was pushed since the last take.
    func take() -> DeliveryNotifier.Mail {
        notifier.takeMail(id, for: agency)
    }

    deinit {
        notifier.closeMailbox(id, for: agency)
    }
}
