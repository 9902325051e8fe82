import Foundation
import Logging
public import ShareModel
import ShareStore

/// What an agency asks to subscribe to, as sent in `POST /v1/subscriptions`.
public struct SubscriptionRequest: Sendable, Decodable {
    public let types: [String]?
    public let areas: [String]?
    public let filters: [SubscriptionFilter]?
}

extension Broker {
    /// Every subscription, oldest first; `store-unavailable` when they must be read and cannot be.
    func allSubscriptions() async throws -> [Subscription] {
        do {
            return try await subscriptionCache.get { try await store.subscriptions() }
        } catch {
            throw storeFailure(error)
        }
    }

    /// The agency's subscriptions, oldest first.
    public func subscriptions(of agency: Agency) async throws -> [Subscription] {
        try await allSubscriptions().filter { $0.agency == agency.id }
    }

    /// Checks a subscription against the catalogue and the sharing policy, then stores it with
    /// its event. A refusal by the policy is itself recorded.
    public func subscribe(_ request: SubscriptionRequest, by agency: Agency) async throws -> Subscription {
        try refuseIfStopping()
        let now = clock.now()
        let subscription = Subscription(
            id: .random(), agency: agency.id, types: try SubscriptionRules.types(request, catalogue: catalogue),
            areas: try SubscriptionRules.areas(request), filters: try SubscriptionRules.filters(request), createdAt: now)
        do {
            try SubscriptionRules.allowed(subscription, for: agency, policy: policy)
        } catch let refusal as PolicyRefusal {
            try await recordRefusal(refusal, by: agency, at: now)
            throw refusal.error
        }
        _ = try await allSubscriptions()
        do {
            try await store.addSubscription(subscription, event: EventRecord(
                kind: .subscriptionCreated, at: now, agency: agency.id, subscriptionID: subscription.id))
        } catch {
            throw storeFailure(error)
        }
        subscriptionCache.update { $0.append(subscription) }
        logger.info("Subscription created", metadata: [ShareLogKey.agency: "\(agency.id)", ShareLogKey.count: "\(subscription.types.count)"])
        return subscription
    }

    /// Removes one of the agency's subscriptions; another agency's, or none, is `not-found`.
    public func unsubscribe(_ idText: String, by agency: Agency) async throws {
        try refuseIfStopping()
        guard let id = UUID(uuidString: idText) else {
            throw BrokerError(.notFound, "No subscription '\(idText)' of yours; GET /v1/subscriptions lists them.")
        }
        _ = try await allSubscriptions()
        let removed: Bool
        do {
            removed = try await store.removeSubscription(id: id, agency: agency.id, event: EventRecord(
                kind: .subscriptionRemoved, at: clock.now(), agency: agency.id, subscriptionID: id))
        } catch {
            throw storeFailure(error)
        }
        guard removed else {
            throw BrokerError(.notFound, "No subscription '\(idText)' of yours; GET /v1/subscriptions lists them.")
        }
        subscriptionCache.update { $0.removeAll { $0.id == id } }
    }
}
