public import Foundation
public import ShareModel
import ShareStore

/// Everything the log holds about one subject, one item per message (or refused attempt), in
/// the order it happened: disclosures, decisions not to share, the broker's own notices,
/// refusals by the sharing policy and flag queries, each with every recipient's outcome. Built
/// from log entries alone, so it never holds a payload.
public struct SubjectTimeline: Sendable {
    public enum Category: String, Sendable, CaseIterable {
        case disclosure
        case decisionNotToShare = "decision-not-to-share"
        /// A message the broker itself sent (an overdue or failed delivery, a flag access).
        case notice
        /// An attempt the sharing policy refused: nothing was stored or delivered.
        case refusal
        /// An agency asked whether the subject has child-protection flags.
        case flagQuery = "flag-query"
    }

    /// One recipient's copy of a message and what became of it.
    public struct Delivery: Sendable {
        /// Why a message went to a recipient, as far as the log and the stored message tell.
        public enum Reason: Sendable, Equatable {
            case route(Route)
            /// By a subscription its entry does not name: recorded before the broker named them.
            case unnamedSubscription
        }

        public let recipient: AgencyID
        /// As its `routed` entry records it; for an entry that records no route, from the
        /// message's `to` (`markRouting`). Nil when unknown: no route recorded, and the message's
        /// content (with its `to`) destroyed.
        public var reason: Reason?
        public var firstDeliveredAt: Date?
        /// How many times it was handed out (more than one: redelivered after no acknowledgement).
        public var handOuts = 0
        public var acknowledgedAt: Date?
        public var expiredAt: Date?
        public var deadLetteredAt: Date?
        /// When the recipient had to acknowledge, for a type with a delivery deadline.
        public var dueBy: Date?
        /// The recipient read the message again after receiving it.
        public var retrievals = 0
        /// For an information request: when this recipient first answered it (a message in this
        /// timeline whose `inReplyTo` names the request).
        public var answeredAt: Date?
        /// For a message sent as an SD-JWT: the disclosable members it received and those withheld.
        public var members: DisclosedMembers?

        /// Past its `dueBy` (at `now`) without an acknowledgement in time.
        public func isOverdue(at now: Date) -> Bool {
            guard let dueBy else { return false }
            return acknowledgedAt.map { $0 > dueBy } ?? (now > dueBy)
        }

        /// For a request due by `respondBy`: answered after it, or not answered and `now` is past it.
        public func isAnswerOverdue(respondBy: Date, at now: Date) -> Bool {
            answeredAt.map { MessageAnswer.isLate(receivedAt: $0, respondBy: respondBy) } ?? (now > respondBy)
        }
    }

    public struct Item: Sendable {
        public let category: Category
        public let messageID: UUID?
        public let type: String?
        /// The sender, the deciding agency, the refused sender or the agency that asked about flags.
        public let agency: AgencyID
        public let at: Date
        public let area: String?
        public let decision: Disclosure?
        public var deliveries: [Delivery]
        /// For a refusal: the policy rule that refused it, and whom it was addressed to.
        public let refusalRule: String?
        public let refusedRecipients: [AgencyID]
        /// For an information request: when answers are due; for an answer, the request.
        public let respondBy: Date?
        public let inReplyTo: UUID?
        /// For an answer to a request in this timeline: shared after the request's `respondBy`.
        public var late: Bool?
        /// For a flag query: where it was asked from.
        public let setting: String?
        /// Every entry about this item, in index order (for checking each against the tree).
        public var entries: [StoredEvent]
    }

    public private(set) var items: [Item]

    /// The subscriptions that routed a delivery here and still exist, by id; one routed by a
    /// subscription not in it has since been removed.
    public var subscriptions: [UUID: Subscription] = [:]

    /// The subscriptions the `routed` entries name.
    public var routingSubscriptionIDs: Set<UUID> {
        Set(items.flatMap(\.deliveries).compactMap { delivery in
            guard case .route(.subscription(let id)) = delivery.reason else { return nil }
            return id
        })
    }

    /// Completes the routing of each delivery whose entry records no route from the `to` of its
    /// stored message (`addressed`, by message id): named there, it was addressed directly;
    /// otherwise a subscription found it before the log named subscriptions. A message not in
    /// `addressed` is left unknown.
    public mutating func markRouting(addressed: [UUID: [AgencyID]]) {
        for item in items.indices {
            guard let id = items[item].messageID, let to = addressed[id] else { continue }
            for delivery in items[item].deliveries.indices where items[item].deliveries[delivery].reason == nil {
                items[item].deliveries[delivery].reason = to.contains(items[item].deliveries[delivery].recipient)
                    ? .route(.direct) : .unnamedSubscription
            }
        }
    }

    /// Groups `entries` (in any order) into items, oldest first.
    public init(entries: [StoredEvent]) {
        let sorted = entries.sorted { $0.index < $1.index }
        var items: [Item] = []
        var byMessage: [UUID: Int] = [:]
        var deliveryOwner: [UUID: (item: Int, delivery: Int)] = [:]
        for stored in sorted {
            let event = stored.event
            switch event.kind {
            case .published:
                guard let id = event.messageID else { continue }
                let category: Category = event.agency == .broker ? .notice
                    : event.messageType == MessageType.decisionNotToShare.description ? .decisionNotToShare : .disclosure
                byMessage[id] = items.count
                items.append(Item(category: category, messageID: id, type: event.messageType, agency: event.agency, at: event.at,
                                  area: event.area, decision: event.disclosure, deliveries: [], refusalRule: nil, refusedRecipients: [],
                                  respondBy: event.respondBy, inReplyTo: event.inReplyTo, late: nil, setting: nil, entries: [stored]))
            case .refused:
                items.append(Item(category: .refusal, messageID: event.messageID, type: event.messageType, agency: event.agency,
                                  at: event.at, area: event.area, decision: nil, deliveries: [], refusalRule: event.rule,
                                  refusedRecipients: event.recipients ?? [], respondBy: nil, inReplyTo: nil, late: nil, setting: nil,
                                  entries: [stored]))
            case .flagQueried:
                items.append(Item(category: .flagQuery, messageID: nil, type: nil, agency: event.agency, at: event.at, area: nil,
                                  decision: nil, deliveries: [], refusalRule: nil, refusedRecipients: event.recipient.map { [$0] } ?? [],
                                  respondBy: nil, inReplyTo: nil, late: nil, setting: event.setting, entries: [stored]))
            default:
                guard let id = event.messageID, let index = byMessage[id] else { continue }
                items[index].entries.append(stored)
                Self.apply(stored.event, to: &items[index], item: index, owners: &deliveryOwner)
            }
        }
        let respondBy = Dictionary(items.compactMap { item in item.respondBy.flatMap { date in item.messageID.map { ($0, date) } } },
                                   uniquingKeysWith: { first, _ in first })
        for index in items.indices {
            if let request = items[index].inReplyTo, let due = respondBy[request] {
                items[index].late = MessageAnswer.isLate(receivedAt: items[index].at, respondBy: due)
            }
        }
        Self.markAnswers(in: &items, requests: byMessage)
        self.items = items
    }

    /// Sets each request recipient's `answeredAt` from the first answer it shared; `items` are oldest first.
    private static func markAnswers(in items: inout [Item], requests: [UUID: Int]) {
        for answer in items where answer.category == .disclosure {
            guard let request = answer.inReplyTo.flatMap({ requests[$0] }), items[request].respondBy != nil,
                  let position = items[request].deliveries.firstIndex(where: { $0.recipient == answer.agency }),
                  items[request].deliveries[position].answeredAt == nil else { continue }
            items[request].deliveries[position].answeredAt = answer.at
        }
    }

    /// Adds a routing, hand-out, acknowledgement, expiry, dead letter or retrieval to its delivery.
    private static func apply(_ event: EventRecord, to item: inout Item, item index: Int,
                              owners: inout [UUID: (item: Int, delivery: Int)]) {
        if event.kind == .routed, let recipient = event.recipient, let id = event.deliveryID {
            owners[id] = (index, item.deliveries.count)
            item.deliveries.append(Delivery(recipient: recipient, reason: Route(recordedIn: event).map(Delivery.Reason.route),
                                            dueBy: event.dueBy,
                                            members: DisclosedMembers(received: event.disclosed, withheld: event.withheld)))
            return
        }
        guard let id = event.deliveryID, let owner = owners[id], owner.item == index else {
            if event.kind == .retrieved, let position = item.deliveries.firstIndex(where: { $0.recipient == event.agency }) {
                item.deliveries[position].retrievals += 1
            }
            return
        }
        switch event.kind {
        case .delivered:
            item.deliveries[owner.delivery].handOuts += 1
            if item.deliveries[owner.delivery].firstDeliveredAt == nil { item.deliveries[owner.delivery].firstDeliveredAt = event.at }
        case .acknowledged:
            if item.deliveries[owner.delivery].acknowledgedAt == nil { item.deliveries[owner.delivery].acknowledgedAt = event.at }
        case .expired:
            item.deliveries[owner.delivery].expiredAt = event.at
        case .deadLettered:
            item.deliveries[owner.delivery].deadLetteredAt = event.at
        case .retrieved:
            item.deliveries[owner.delivery].retrievals += 1
        default:
            break
        }
    }

    /// The items that match every condition given: an agency that sent, decided, was refused or
    /// received; a message type; a time range (from inclusive, to exclusive).
    public func filtered(agency: AgencyID? = nil, type: String? = nil, from: Date? = nil, to: Date? = nil) -> [Item] {
        items.filter { item in
            (agency.map { agency in item.agency == agency || item.deliveries.contains { $0.recipient == agency }
                || item.refusedRecipients.contains(agency) } ?? true)
                && (type.map { item.type == $0 } ?? true)
                && (from.map { item.at >= $0 } ?? true) && (to.map { item.at < $0 } ?? true)
        }
    }
}
