import ShareLocking
import ShareStore

/// Whether a broker can do its work now.
public enum Readiness: Sendable, Equatable {
    case ready
    /// Not ready, with a short reason for an operator (no message content).
    case notReady(String)
}

extension Broker {
    /// Ready when the broker is not stopping, its audit log has been checked at start and found
    /// consistent, and its store answers a read within two seconds and can still be written by
    /// this version (`StoreError.outdated`). The catalogue and the sharing policy are
    /// loaded before a broker exists, so a broker that answers has them.
    public func readiness() async -> Readiness {
        if isStopping { return .notReady("The broker is shutting down.") }
        switch auditLog.integrity {
        case .unchecked:
            return .notReady("The broker is starting: the audit log has not been checked yet.")
        case .inconsistent:
            return .notReady("The audit log disagrees with the tree heads the broker signed; publishes and audit answers are refused.")
        case .consistent, .provisional:
            break
        }
        return await storeRefusal().map(Readiness.notReady) ?? .ready
    }

    /// Why the store cannot serve, from its probe (`Store.probe()`), or nil when it answered in
    /// time. Gives up after `storeProbeLimit` without waiting for the probe to end: a store call
    /// blocked in the database (on a lock, or a connection that never answers) need not end
    /// when cancelled, and the readiness check must answer a load balancer all the same. A probe
    /// still waiting is shared by the checks that come meanwhile rather than repeated.
    private func storeRefusal() async -> String? {
        switch await storeProbes.result(within: Self.storeProbeLimit, of: { [store] in try await store.probe() }) {
        case .success: nil
        case .failure(let error as StoreError) where error.code == .outdated: error.reason
        case .failure, nil: "The store does not answer."
        }
    }

    /// How long readiness waits for the store's answer: a load balancer's probe must learn
    /// that the store is unreachable before its own timeout, not after the store gives up.
    static let storeProbeLimit: Duration = .seconds(2)

    /// Deliveries neither acknowledged nor dead-lettered, read from the store.
    public func unacknowledgedDeliveries() async throws -> Int {
        try await store.unsettledDeliveryCount()
    }

    /// Delivery streams open now, across all agencies.
    public var openStreams: Int { streams.count }
}
