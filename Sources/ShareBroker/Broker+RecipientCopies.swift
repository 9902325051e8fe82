import Foundation
import ShareJWS
import ShareModel
import ShareStore

extension Broker {
    /// `deliveries` as their recipient may receive them: each SD-JWT with only the disclosures
    /// its `routed` entry recorded for it when the message was published (`RecipientCopy`).
    /// Every route that hands a delivery to an agency (inbox, stream, webhook) passes it through here.
    func recipientCopies(_ deliveries: [InboxDelivery], for agency: AgencyID) async throws -> [InboxDelivery] {
        var copies: [InboxDelivery] = []
        for delivery in deliveries {
            guard SDJWT.isSDJWT(delivery.jws) else {
                copies.append(delivery)
                continue
            }
            let disclosed = try await recordedDisclosures(of: delivery.messageID, to: agency)
            copies.append(delivery.replacingJWS(RecipientCopy(of: delivery.jws, disclosing: disclosed).body))
        }
        return copies
    }

    /// A stored message as `agency` may read it again: whole for its sender, else as a recipient's copy.
    func recipientCopy(_ message: RetrievedMessage, for agency: AgencyID) async throws -> RetrievedMessage {
        guard message.sender != agency, SDJWT.isSDJWT(message.jws) else { return message }
        let disclosed = try await recordedDisclosures(of: message.id, to: agency)
        return message.replacingJWS(RecipientCopy(of: message.jws, disclosing: disclosed).body)
    }

    /// Where the disclosures are that the `routed` entry of message `id` to `agency` recorded as
    /// going to it; none when there is no such entry.
    private func recordedDisclosures(of id: UUID, to agency: AgencyID) async throws -> Set<String> {
        do {
            let routed = try await store.events(matching: EventFilter(agency: agency, messageID: id, kind: .routed), limit: 10)
            return Set(routed.first { $0.event.recipient == agency }?.event.disclosed ?? [])
        } catch {
            throw storeFailure(error)
        }
    }
}
