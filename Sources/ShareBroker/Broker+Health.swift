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
        let unanswered = "The store does not answer."
        let refusal = await withTaskGroup(of: String?.self) { race in
            race.addTask {
                do {
                    _ = try await self.store.unsettledDeliveryCount()
                    return nil
                } catch let error as StoreError where error.code == .outdated {
                    return error.reason
                } catch {
                    return unanswered
                }
            }
            race.addTask {
                try? await Task.sleep(for: Self.storeProbeLimit)
                return unanswered
            }
            let first = await race.next() ?? unanswered
            race.cancelAll()
            return first
        }
        return refusal.map(Readiness.notReady) ?? .ready
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
