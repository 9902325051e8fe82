import Foundation
import Logging
import Synchronization
import ShareModel
import ShareStore

/// The sharing policy in force, and the record of its decisions.
extension Broker {
    /// Records that the policy in force has come into force (at start), with its digest.
    public func recordPolicyInForce() async throws {
        try await store.record([EventRecord(kind: .policyLoaded, at: clock.now(), agency: .broker, policyDigest: policy.digest)])
    }

    /// Replaces the sharing policy, first recording it in the event record. If the record
    /// cannot be written, the old policy stays in force.
    public func replacePolicy(with new: SharingPolicy) async throws {
        guard new.digest != policy.digest else { return }
        try await store.record([EventRecord(kind: .policyLoaded, at: clock.now(), agency: .broker, policyDigest: new.digest)])
        currentPolicy.withLock { $0 = new }
        logger.notice("Sharing policy replaced", metadata: [ShareLogKey.count: "\(new.rules.count)"])
    }

    /// Records a refusal by the sharing policy; only the facts, never the message's content.
    func recordRefusal(_ refusal: PolicyRefusal, by agency: Agency, at time: Date, messageID: UUID? = nil,
                       type: String? = nil, area: String? = nil) async throws {
        do {
            try await store.record([EventRecord(kind: .refused, at: time, agency: agency.id, messageID: messageID,
                                                messageType: type, area: area, rule: refusal.rule)])
        } catch {
            throw storeFailure(error)
        }
        logger.notice("Refused by the sharing policy", metadata: [ShareLogKey.agency: "\(agency.id)", ShareLogKey.outcome: "\(refusal.rule)"])
    }
}
