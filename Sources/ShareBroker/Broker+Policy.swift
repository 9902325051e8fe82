import Foundation
import Logging
import ShareLocking
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

    /// Records a refusal by the sharing policy; only the facts, never the message's content. A
    /// refused message's entry names its addressees and carries its subject's tokens, so that
    /// a search by subject finds what was refused as well as what was shared.
    func recordRefusal(_ refusal: PolicyRefusal, by agency: Agency, at time: Date, of envelope: Envelope? = nil) async throws {
        do {
            try await store.record([EventRecord(
                kind: .refused, at: time, agency: agency.id, messageID: envelope?.id,
                recipients: envelope.flatMap { $0.to.isEmpty ? nil : $0.to }, messageType: envelope?.type.description,
                area: envelope?.area, subjects: envelope.map { subjectTokens.tokens(of: $0) }, rule: refusal.rule)])
        } catch {
            throw storeFailure(error)
        }
        logger.notice("Refused by the sharing policy", metadata: [ShareLogKey.agency: "\(agency.id)", ShareLogKey.outcome: "\(refusal.rule)"])
    }
}
