public import Foundation
import Logging
public import ShareModel
import ShareStore

/// How the broker pushes deliveries to agencies' webhooks.
public struct WebhookConfiguration: Sendable {
    /// How long one POST may take.
    public var timeout: TimeInterval = 10
    /// The wait before the first retry; each later retry waits twice as long, up to `retryMax`.
    public var retryBase: TimeInterval = 5
    public var retryMax: TimeInterval = 3600

    public init() {}

    /// The wait before retrying after failed attempt number `attempt` (1 for the first), with
    /// `jitter` (0 to 1) spreading retries by ±20 % so that failed endpoints are not hit in step.
    public func retryDelay(afterAttempt attempt: Int, jitter: Double) -> TimeInterval {
        let exponential = retryBase * pow(2, Double(max(0, min(attempt - 1, 30))))
        return min(exponential, retryMax) * (0.8 + 0.4 * min(max(jitter, 0), 1))
    }
}

/// An agency's request to receive its deliveries by POST: `{"url": "https://..."}`.
public struct WebhookRequest: Sendable, Decodable {
    public let url: String?
}

extension Broker {
    /// Every registered endpoint, by agency; `store-unavailable` when they must be read and cannot be.
    public func webhooks() async throws -> [AgencyID: String] {
        do {
            return try await webhookCache.get { try await store.webhooks() }
        } catch {
            throw storeFailure(error)
        }
    }

    /// The agency's endpoint, if it registered one.
    public func webhook(of agency: Agency) async throws -> String? {
        try await webhooks()[agency.id]
    }

    /// Registers (or replaces) the agency's endpoint: an absolute `https` URL.
    public func registerWebhook(_ request: WebhookRequest, by agency: Agency) async throws -> String {
        try refuseIfStopping()
        guard configuration.webhooks != nil else {
            throw BrokerError(.webhooksUnavailable, "This broker is not configured to push to webhooks; use the inbox or the stream.")
        }
        guard let text = request.url, text.count <= 2048, let url = URL(string: text), url.scheme == "https",
              let host = url.host, !host.isEmpty, url.user == nil, url.fragment == nil else {
            throw BrokerError(.badRequest, "'url' must be an absolute https URL such as https://mash.example/sharebroker, without credentials or fragment.",
                              problems: [ValidationProblem(pointer: "/url", message: "An absolute https URL.")])
        }
        try await changeWebhook(to: text, for: agency, kind: .webhookRegistered)
        logger.notice("Webhook registered", metadata: [ShareLogKey.agency: "\(agency.id)"])
        return text
    }

    /// Removes the agency's endpoint; its deliveries wait in the inbox again.
    public func removeWebhook(by agency: Agency) async throws {
        try refuseIfStopping()
        guard try await webhook(of: agency) != nil else {
            throw BrokerError(.notFound, "Agency '\(agency.id)' has no webhook registered.")
        }
        try await changeWebhook(to: nil, for: agency, kind: .webhookRemoved)
    }

    private func changeWebhook(to url: String?, for agency: Agency, kind: EventRecord.Kind) async throws {
        _ = try await webhooks()
        let now = clock.now()
        do {
            try await store.setWebhook(url, for: agency.id, at: now, event: EventRecord(kind: kind, at: now, agency: agency.id))
        } catch {
            throw storeFailure(error)
        }
        webhookCache.update { $0[agency.id] = url }
        if url != nil { notifier.signal([agency.id]) }
    }

    /// Hands out the agency's waiting deliveries for pushing, exactly as an inbox fetch does;
    /// each stays hidden while its POST is in flight.
    public func webhookDeliveries(for agency: AgencyID, limit: Int = 10) async throws -> [InboxDelivery] {
        guard let webhooks = configuration.webhooks else { return [] }
        let deliveries = try await store.fetchInbox(for: agency, limit: limit, now: clock.now(),
                                                    visibilityTimeout: webhooks.timeout * 3, maxAttempts: configuration.maxAttempts)
        metrics.countHandedOut(deliveries.count, by: .webhook)
        return try await recipientCopies(deliveries, for: agency)
    }

    /// The endpoint answered 2xx: that is the acknowledgement.
    public func webhookAccepted(_ delivery: InboxDelivery, by agency: AgencyID) async throws {
        let acknowledgements = try await store.acknowledge(deliveries: [delivery.id], by: agency, at: clock.now())
        metrics.countAcknowledged(acknowledgements.filter(\.isFirst).count)
    }

    /// The endpoint failed: retry after an exponential backoff with jitter.
    public func webhookFailed(_ delivery: InboxDelivery, by agency: AgencyID) async throws {
        guard let webhooks = configuration.webhooks else { return }
        let delay = webhooks.retryDelay(afterAttempt: delivery.attempt, jitter: Double.random(in: 0...1))
        try await store.deferDelivery(delivery.id, until: clock.now().addingTimeInterval(delay))
        logger.warning("Webhook delivery failed; it will be retried", metadata: [
            ShareLogKey.agency: "\(agency)", ShareLogKey.deliveryID: "\(delivery.id.lowercasedString)",
            ShareLogKey.count: "\(delivery.attempt)",
        ])
    }
}
