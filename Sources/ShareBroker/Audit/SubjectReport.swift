public import Foundation
public import ShareModel
public import ShareStore

/// The chronology of every disclosure about one subject, as a data protection officer would
/// hand it over: who shared what, with whom, when, why and on what basis, and when each
/// recipient received and acknowledged it. Built from log entries alone.
public struct SubjectReport: Sendable, Encodable {
    public struct Recipient: Sendable, Encodable {
        public let agency: String
        public let firstDeliveredAt: Date?
        public let acknowledgedAt: Date?
    }

    public struct Disclosed: Sendable, Encodable {
        public let messageId: String
        public let type: String
        public let sharedBy: String
        public let sharedAt: Date
        public let area: String
        public let decision: Disclosure
        public let recipients: [Recipient]
        /// Index of the `published` entry in the audit log.
        public let auditIndex: Int
    }

    public let generatedAt: Date
    public let disclosures: [Disclosed]

    /// Groups the entries of the subject's messages into one record per message, oldest first.
    public init(entries: [StoredEvent], generatedAt: Date) {
        self.generatedAt = generatedAt
        var byMessage: [UUID: [StoredEvent]] = [:]
        for entry in entries {
            if let id = entry.event.messageID { byMessage[id, default: []].append(entry) }
        }
        disclosures = byMessage.compactMap { id, events -> Disclosed? in
            guard let published = events.first(where: { $0.event.kind == .published }),
                  let decision = published.event.disclosure else { return nil }
            var deliveries: [UUID: AgencyID] = [:]
            var recipients: [AgencyID] = []
            for routed in events where routed.event.kind == .routed {
                if let recipient = routed.event.recipient, let delivery = routed.event.deliveryID {
                    deliveries[delivery] = recipient
                    recipients.append(recipient)
                }
            }
            let rows = recipients.map { recipient in
                let mine = events.filter { $0.event.deliveryID.flatMap { deliveries[$0] } == recipient }
                return Recipient(
                    agency: recipient.rawValue,
                    firstDeliveredAt: mine.first { $0.event.kind == .delivered }?.event.at,
                    acknowledgedAt: mine.first { $0.event.kind == .acknowledged }?.event.at)
            }
            return Disclosed(
                messageId: id.lowercasedString, type: published.event.messageType ?? "", sharedBy: published.event.agency.rawValue,
                sharedAt: published.event.at, area: published.event.area ?? "", decision: decision, recipients: rows,
                auditIndex: published.index)
        }.sorted { $0.auditIndex < $1.auditIndex }
    }
}
