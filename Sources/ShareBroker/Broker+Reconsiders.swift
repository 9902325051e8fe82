import Foundation
import ShareModel
import ShareStore

extension Broker {
    /// A share may reconsider (`disclosure.reconsiders`) only a decision not to share that its
    /// own agency recorded. Another agency's decision is answered in the same words as an
    /// unknown id, so nothing is learnt about decisions the sender may not see.
    func refuseUnknownReconsidered(_ envelope: Envelope, at now: Date) async throws {
        guard let decision = envelope.disclosure.reconsiders else { return }
        let recorded: Bool
        do {
            let status = try await store.messageStatus(id: decision, sender: envelope.sender, now: now)
            recorded = status?.type == MessageType.decisionNotToShare.description
        } catch {
            throw storeFailure(error)
        }
        guard recorded else {
            throw BrokerError(.invalidEnvelope, "'disclosure.reconsiders' must be the id of a \(MessageType.decisionNotToShare) message that '\(envelope.sender)' published; \(decision.lowercasedString) is not one. Give the id of your agency's decision that this share reconsiders, or leave 'reconsiders' out.",
                              problems: [ValidationProblem(pointer: "/disclosure/reconsiders", message: "Not a decision not to share that your agency recorded.")])
        }
    }
}
