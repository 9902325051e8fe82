public import Foundation
public import ShareModel
import ShareStore

/// The chronology of every disclosure about one subject, as a data protection officer would
/// hand it over: who shared what, with whom, when, why and on what basis, and when each
/// recipient received and acknowledged it; beside it, every decision not to share (or to share
/// less), linked both ways to the later messages that reconsidered it. Built from log entries alone.
public struct SubjectReport: Sendable, Encodable {
    public struct Recipient: Sendable, Encodable {
        public let agency: String
        public let firstDeliveredAt: Date?
        public let acknowledgedAt: Date?
        /// When it had to acknowledge, for a type with a delivery deadline.
        public let dueBy: Date?
        /// The subscription it was found by; absent when the message named it in `to` (and in
        /// entries recorded before the broker named subscriptions).
        public let subscriptionId: String?
        /// For a message sent as an SD-JWT: the disclosable members it received and those withheld.
        public let members: DisclosedMembers?
    }

    public struct Disclosed: Sendable, Encodable {
        public let messageId: String
        public let type: String
        public let sharedBy: String
        public let sharedAt: Date
        public let area: String
        public let decision: Disclosure
        public let recipients: [Recipient]
        /// The message id of the decision not to share that this share reconsiders.
        public let reconsiders: String?
        /// For an information request: when answers are due.
        public let respondBy: Date?
        /// For an answer: the request it answers.
        public let inReplyTo: String?
        /// For an answer to a request in this report: true when it was shared after the
        /// request's `respondBy`.
        public let late: Bool?
        /// Index of the `published` entry in the audit log.
        public let auditIndex: Int
    }

    /// A decision not to share (or to share less): recorded, delivered to nobody.
    public struct NotShared: Sendable, Encodable {
        public let messageId: String
        public let type: String
        /// The agency that decided and published the record.
        public let recordedBy: String
        public let recordedAt: Date
        public let area: String
        public let decision: Disclosure
        /// The message id of an earlier decision not to share that this one reconsiders.
        public let reconsiders: String?
        /// The later messages about this subject that reconsider this decision, oldest first.
        public let reconsideredBy: [Reconsideration]
        /// Index of the `published` entry in the audit log.
        public let auditIndex: Int
    }

    /// A later message that reconsidered a decision not to share.
    public struct Reconsideration: Sendable, Encodable {
        public let messageId: String
        public let type: String
        public let by: String
        public let at: Date
    }

    public let generatedAt: Date
    public let disclosures: [Disclosed]
    public let decisionsNotToShare: [NotShared]

    /// Groups the entries of the subject's messages into one record per message, oldest first.
    public init(entries: [StoredEvent], generatedAt: Date) {
        self.generatedAt = generatedAt
        var byMessage: [UUID: [StoredEvent]] = [:]
        for entry in entries {
            if let id = entry.event.messageID { byMessage[id, default: []].append(entry) }
        }
        let published = byMessage.compactMap { id, events -> Published? in
            guard let entry = events.first(where: { $0.event.kind == .published }),
                  let decision = entry.event.disclosure else { return nil }
            return Published(id: id, entry: entry, decision: decision, events: events)
        }.sorted { $0.entry.index < $1.entry.index }
        let respondBy = Dictionary(published.compactMap { item in item.entry.event.respondBy.map { (item.id, $0) } },
                                   uniquingKeysWith: { first, _ in first })
        disclosures = published.filter { !$0.isDecisionNotToShare }.map { item in
            item.disclosed(late: item.entry.event.inReplyTo.flatMap { respondBy[$0] }.map {
                MessageAnswer.isLate(receivedAt: item.entry.event.at, respondBy: $0)
            })
        }
        decisionsNotToShare = published.filter(\.isDecisionNotToShare).map { decision in
            decision.notShared(reconsideredBy: published.filter { $0.decision.reconsiders == decision.id })
        }
    }

    /// A message's `published` entry, its decision, and every entry about it.
    private struct Published {
        let id: UUID
        let entry: StoredEvent
        let decision: Disclosure
        let events: [StoredEvent]

        var isDecisionNotToShare: Bool { entry.event.messageType == MessageType.decisionNotToShare.description }

        func disclosed(late: Bool?) -> Disclosed {
            Disclosed(
                messageId: id.lowercasedString, type: entry.event.messageType ?? "", sharedBy: entry.event.agency.rawValue,
                sharedAt: entry.event.at, area: entry.event.area ?? "", decision: decision, recipients: recipients(),
                reconsiders: decision.reconsiders?.lowercasedString, respondBy: entry.event.respondBy,
                inReplyTo: entry.event.inReplyTo?.lowercasedString, late: late, auditIndex: entry.index)
        }

        func notShared(reconsideredBy later: [Published]) -> NotShared {
            NotShared(
                messageId: id.lowercasedString, type: entry.event.messageType ?? "", recordedBy: entry.event.agency.rawValue,
                recordedAt: entry.event.at, area: entry.event.area ?? "", decision: decision,
                reconsiders: decision.reconsiders?.lowercasedString,
                reconsideredBy: later.map {
                    Reconsideration(messageId: $0.id.lowercasedString, type: $0.entry.event.messageType ?? "",
                                    by: $0.entry.event.agency.rawValue, at: $0.entry.event.at)
                },
                auditIndex: entry.index)
        }

        /// Each recipient the message was routed to, with when it first received and acknowledged
        /// it, and the subscription it was found by.
        private func recipients() -> [Recipient] {
            var deliveries: [UUID: AgencyID] = [:]
            var recipients: [AgencyID] = []
            var routed: [AgencyID: EventRecord] = [:]
            for entry in events where entry.event.kind == .routed {
                if let recipient = entry.event.recipient, let delivery = entry.event.deliveryID {
                    deliveries[delivery] = recipient
                    recipients.append(recipient)
                    routed[recipient] = entry.event
                }
            }
            return recipients.map { recipient in
                let mine = events.filter { $0.event.deliveryID.flatMap { deliveries[$0] } == recipient }
                return Recipient(
                    agency: recipient.rawValue,
                    firstDeliveredAt: mine.first { $0.event.kind == .delivered }?.event.at,
                    acknowledgedAt: mine.first { $0.event.kind == .acknowledged }?.event.at, dueBy: routed[recipient]?.dueBy,
                    subscriptionId: routed[recipient]?.subscriptionID?.lowercasedString,
                    members: DisclosedMembers(received: routed[recipient]?.disclosed, withheld: routed[recipient]?.withheld))
            }
        }
    }
}
