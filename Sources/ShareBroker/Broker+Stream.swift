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
        return DeliveryStream(broker: self, agency: agency.id, after: after)
    }

    /// Returns once the broker begins to stop, or on cancellation.
    public func untilStopping() async {
        await notifier.waitUntilClosed()
    }

    /// Hands out the agency's deliveries after `sequence`, each recorded as delivered.
    func handOutToStream(_ agency: AgencyID, after sequence: Int, limit: Int) async throws -> [InboxDelivery] {
        let deliveries: [InboxDelivery]
        do {
            deliveries = try await store.streamDeliveries(
                for: agency, after: sequence, limit: limit, now: clock.now(), visibilityTimeout: configuration.visibilityTimeout,
                maxAttempts: configuration.maxAttempts)
        } catch {
            throw storeFailure(error)
        }
        logHandedOut(deliveries, to: agency, by: "stream")
        return deliveries
    }

    /// Logs deliveries handed out (ids and counts only).
    func logHandedOut(_ deliveries: [InboxDelivery], to agency: AgencyID, by route: String) {
        guard !deliveries.isEmpty else { return }
        logger.info("Deliveries handed out", metadata: [
            ShareLogKey.agency: "\(agency)", ShareLogKey.count: "\(deliveries.count)", ShareLogKey.outcome: "\(route)",
        ])
    }
}

extension Character {
    /// True for the ASCII digits 0 to 9 only.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
