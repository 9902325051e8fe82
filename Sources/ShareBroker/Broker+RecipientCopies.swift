import ShareJWS
import ShareModel
import ShareStore

extension Broker {
    /// `deliveries` as their recipient may receive them: each SD-JWT with only the disclosures
    /// the policy lets the recipient's kind see (`RecipientCopy`). Every route that hands a
    /// delivery to an agency (inbox, stream, webhook) passes it through here.
    func recipientCopies(_ deliveries: [InboxDelivery], for agency: AgencyID) -> [InboxDelivery] {
        guard deliveries.contains(where: { SDJWT.isSDJWT($0.jws) }) else { return deliveries }
        let kind = directory.agencies[agency]?.kind
        let policy = self.policy
        return deliveries.map { delivery in
            guard SDJWT.isSDJWT(delivery.jws) else { return delivery }
            let rule = MessageType(delivery.type).flatMap { policy.rule(for: $0) }?.selectiveDisclosure
            return delivery.replacingJWS(RecipientCopy(of: delivery.jws, rule: rule, for: kind).body)
        }
    }

    /// A stored message as `agency` may read it again: whole for its sender, else as a recipient's copy.
    func recipientCopy(_ message: RetrievedMessage, for agency: AgencyID) -> RetrievedMessage {
        guard message.sender != agency, SDJWT.isSDJWT(message.jws) else { return message }
        let rule = MessageType(message.type).flatMap { policy.rule(for: $0) }?.selectiveDisclosure
        return message.replacingJWS(RecipientCopy(of: message.jws, rule: rule, for: directory.agencies[agency]?.kind).body)
    }
}
