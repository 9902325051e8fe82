import Logging
public import ShareModel
import ShareStore

extension Broker {
    /// The agency's deliveries as a stream (see `DeliveryStream`), starting after the event id
    /// `lastEventID` (a delivery sequence), or with every unacknowledged delivery when it is nil
    /// or empty. A malformed id is a bad request.
    public func stream(for agency: Agency, lastEventID: String?) throws -> DeliveryStream {
        try refuseIfStopping()
        var after = 0
        if let lastEventID, !lastEventID.isEmpty {
            guard lastEventID.utf8.count <= 18, lastEventID.allSatisfy(\.isASCIIDigit), let value = Int(lastEventID) else {
                throw BrokerError(.badRequest, "'Last-Event-ID' must be the 'id' of an event this stream sent (a whole number), not '\(lastEventID.prefix(40))'.")
            }
            after = value
        }
        logger.info("Delivery stream opened", metadata: [ShareLogKey.agency: "\(agency.id)"])
        return DeliveryStream(broker: self, agency: agency.id, after: after, lease: streams.lease(for: agency.id))
    }

    /// Runs `action` when shutdown begins (at once if it has begun), with no task waiting
    /// for it meanwhile. The broker keeps `action` until then: it must not hold the broker.
    public func whenStopping(_ action: @escaping @Sendable () -> Void) {
        notifier.whenClosed(action)
    }

    /// The agency's next deliveries after `sequence` for a stream, at most
    /// `DeliveryStream.batchSize`: those already handed out to its streams as they were
    /// published are read (with other streams' reads, `StreamReads`); from the first that was
    /// not, the stream hands them out itself, each recorded as delivered.
    func nextForStream(_ agency: AgencyID, after sequence: Int) async throws -> StreamBatch {
        let batch: StreamBatch
        do {
            let candidates = try await streamReads.candidates(for: StreamCursor(agency: agency, after: sequence))
            let handedOut = candidates.prefix(while: \.handedOutAtPublish).map(\.delivery)
            if !handedOut.isEmpty || candidates.isEmpty {
                metrics.countHandedOut(handedOut.count, by: .stream)
                batch = StreamBatch(deliveries: handedOut,
                                    isAll: handedOut.count == candidates.count && candidates.count < DeliveryStream.batchSize)
            } else {
                let deliveries = try await store.streamDeliveries(
                    for: agency, after: sequence, limit: DeliveryStream.batchSize, now: clock.now(), visibilityTimeout: configuration.visibilityTimeout,
                    maxAttempts: configuration.maxAttempts)
                metrics.countHandedOut(deliveries.count, by: .stream)
                metrics.countStreamOwnHandOuts(deliveries.count)
                logHandedOut(deliveries, to: agency, by: "stream")
                batch = StreamBatch(deliveries: deliveries, isAll: deliveries.count < DeliveryStream.batchSize)
            }
        } catch {
            throw storeFailure(error)
        }
        return StreamBatch(deliveries: try await recipientCopies(batch.deliveries, for: agency), isAll: batch.isAll)
    }

    /// Deliveries handed out at publish and pushed to a stream of the agency, as it sends them.
    func pushedToStream(_ deliveries: [InboxDelivery], for agency: AgencyID) async throws -> [InboxDelivery] {
        metrics.countHandedOut(deliveries.count, by: .stream)
        return try await recipientCopies(deliveries, for: agency)
    }

    /// Logs deliveries handed out (ids and counts only).
    func logHandedOut(_ deliveries: [InboxDelivery], to agency: AgencyID, by route: String) {
        guard !deliveries.isEmpty else { return }
        logger.info("Deliveries handed out", metadata: [
            ShareLogKey.agency: "\(agency)", ShareLogKey.count: "\(deliveries.count)", ShareLogKey.outcome: "\(route)",
        ])
    }
}

/// A stream's read of the store: the deliveries to send, and whether they were all the store
/// had for the stream when it read (then a stream need not read again until woken).
struct StreamBatch {
    let deliveries: [InboxDelivery]
    let isAll: Bool
}

extension Character {
    /// True for the ASCII digits 0 to 9 only.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
