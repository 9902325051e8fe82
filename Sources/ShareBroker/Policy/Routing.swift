public import Foundation
public import ShareModel
import ShareStore

/// A message or subscription the sharing policy does not allow: the BrokerError to answer
/// with, and the rule to record in the event record.
struct PolicyRefusal: Error {
    let rule: String
    let error: BrokerError

    init(rule: String, _ detail: String, pointer: JSONPointer? = nil) {
        self.rule = rule
        error = BrokerError(.policyRefused, detail,
                            problems: pointer.map { [ValidationProblem(pointer: $0, message: detail)] } ?? [])
    }
}

/// Why a message goes to one recipient, as its `routed` entry records it.
public enum Route: Sendable, Equatable {
    /// Named in the message's `to` (which wins over a subscription that also matches), or the
    /// addressee of the broker's own notice.
    case direct
    /// Found by this subscription of the recipient's: the first of them that matches.
    case subscription(UUID)
    /// The local authority the policy's `educatedAtHome` rule names, in place of the schools in `to`.
    case educatedAtHome

    /// The routed entry's `subscriptionID` and `rule` for this route; a direct route records
    /// neither, so a direct entry is written exactly as before routes were recorded.
    var recorded: (subscriptionID: UUID?, rule: String?) {
        switch self {
        case .direct: (nil, nil)
        case .subscription(let id): (id, nil)
        case .educatedAtHome: (nil, Self.educatedAtHomeRule)
        }
    }

    /// The route a routed entry records: nil for an entry with neither field, which is direct when
    /// written by this broker but may be a subscription's when written before routes were recorded.
    public init?(recordedIn event: EventRecord) {
        if let id = event.subscriptionID {
            self = .subscription(id)
        } else if event.rule == Self.educatedAtHomeRule {
            self = .educatedAtHome
        } else {
            return nil
        }
    }

    static let educatedAtHomeRule = "educatedAtHome"
}

/// Where a message goes and its deadlines under the policy.
struct RoutingDecision {
    /// In `to` order, then subscription order.
    let recipients: [AgencyID]
    /// Why each recipient receives it; a recipient not listed was addressed directly.
    var routes: [AgencyID: Route] = [:]
    /// Its own `expiresAt`, or `sentAt` plus the policy's longest expiry.
    let expiresAt: Date?
    /// For an information request: its own `respondBy`, or as its urgency allows.
    let respondBy: Date?
    /// When each recipient must have acknowledged, for a type with a delivery deadline.
    var dueBy: [AgencyID: Date] = [:]
}

/// The one place that decides who receives a message: the agencies in `to` plus every agency
/// with a matching subscription, each once (by the first of its subscriptions that matches, and
/// not at all by subscription when `to` names it), all as the sharing policy allows. Every decision
/// weighs the sender's kind, each recipient's kind, the type and the area: the sender and
/// every recipient must serve the message's `area`. Deadlines are counted on the calendar of
/// each recipient's own area (the first its directory entry lists, where a school's terms are
/// set), or of the message's `area` if the broker has none for it.
struct Routing {
    let policy: SharingPolicy
    let directory: Directory
    let subscriptions: [Subscription]
    let deadlines: DeadlineCounter

    /// The recipients and deadlines of a message the broker accepts at `receivedAt`. Throws
    /// `PolicyRefusal` (403) or `BrokerError` (422, `invalid-recipients` or `calendar-not-covered`).
    func route(_ envelope: Envelope, document: JSONValue, sender: Agency, receivedAt: Date) throws -> RoutingDecision {
        let type = envelope.type
        guard let rule = policy.rule(for: type) else {
            throw PolicyRefusal(rule: "types", "The sharing policy does not allow '\(type)' at all; ask the partnership to add it to the policy.",
                                pointer: "/type")
        }
        guard rule.senders.contains(sender.kind) else {
            throw PolicyRefusal(rule: "senders", "Agencies of kind \(sender.kind.rawValue) may not send '\(type)'; the policy allows \(Self.list(rule.senders)).")
        }
        guard sender.areas.contains(envelope.area) else {
            throw PolicyRefusal(rule: "area", "Agency '\(sender.id)' serves \(sender.areas.joined(separator: ", ")), not area \(envelope.area); it may not share messages about that area. Check 'area', or ask the partnership to add the area to your agency.",
                                pointer: "/area")
        }
        guard rule.consent.contains(envelope.disclosure.consent.status) else {
            throw PolicyRefusal(rule: "consent", "'\(type)' may not be shared with consent '\(envelope.disclosure.consent.status.rawValue)'; the policy accepts \(Self.list(rule.consent)).",
                                pointer: "/disclosure/consent/status")
        }
        if rule.isRecord {
            return try record(envelope)
        }
        var expiresAt = envelope.expiresAt
        if let maxExpiry = rule.maxExpiry {
            let latest = envelope.sentAt.addingTimeInterval(maxExpiry)
            if let requested = envelope.expiresAt, requested > latest {
                throw PolicyRefusal(rule: "maxExpiryDays", "'\(type)' may be kept for delivery at most \(Int(maxExpiry / 86_400)) days after 'sentAt'; set an earlier 'expiresAt'.",
                                    pointer: "/expiresAt")
            }
            expiresAt = expiresAt ?? latest
        }
        var respondBy = envelope.respondBy
        if let request = rule.request, respondBy == nil {
            guard let within = request.respondWithin(document) else {
                throw PolicyRefusal(rule: "request", "'\(type)' is an information request: set 'respondBy', or give an urgency of \(request.respondWithin.keys.sorted().map(\.string).joined(separator: ", ")) at \(request.urgency).",
                                    pointer: request.urgency)
            }
            respondBy = try deadlines.dueBy(within, from: envelope.sentAt, areas: [envelope.area])
        }
        var recipients = try direct(envelope, rule: rule)
        var routes: [AgencyID: Route] = [:]
        if let home = rule.educatedAtHome, home.applies(to: document) {
            recipients = try insteadOfSchools(recipients, home, envelope, rule: rule)
            if !envelope.to.contains(home.deliverTo) { routes[home.deliverTo] = .educatedAtHome }
        }
        if rule.routing.contains(.subscription) {
            for subscription in subscriptions where matches(subscription, envelope, document) {
                guard let agency = directory.agencies[subscription.agency], agency.status == .active,
                      agency.id != sender.id, rule.recipients.contains(agency.kind), agency.areas.contains(envelope.area),
                      !recipients.contains(agency.id) else { continue }
                recipients.append(agency.id)
                routes[agency.id] = .subscription(subscription.id)
            }
        }
        guard !recipients.isEmpty else {
            throw BrokerError(.invalidRecipients, "The message would reach no recipient: no agency is named in 'to' and no subscription matches. Name the recipients in 'to'.",
                              problems: [ValidationProblem(pointer: "/to", message: "Name at least one recipient agency.")])
        }
        var decision = RoutingDecision(recipients: recipients, routes: routes, expiresAt: expiresAt, respondBy: respondBy)
        if let deadline = rule.deliveryDeadline {
            decision.dueBy = try dueBy(deadline, for: recipients, of: envelope, receivedAt: receivedAt, expiresAt: expiresAt)
        }
        return decision
    }

    /// Each recipient's due time under the type's delivery deadline, counted from `receivedAt`
    /// on its own area's calendar (else the message's). A due time after the message expires
    /// is refused: the delivery would be withdrawn before it was due.
    private func dueBy(_ deadline: Deadline, for recipients: [AgencyID], of envelope: Envelope, receivedAt: Date,
                       expiresAt: Date?) throws -> [AgencyID: Date] {
        var dueBy: [AgencyID: Date] = [:]
        for recipient in recipients {
            let home = directory.agencies[recipient]?.areas.first.map { [$0] } ?? []
            let due = try deadlines.dueBy(deadline, from: receivedAt, areas: home + [envelope.area])
            if let expiresAt, expiresAt < due {
                throw BrokerError(.invalidEnvelope, "'\(recipient)' must acknowledge '\(envelope.type)' by \(Timestamp.format(due)) (\(deadline)), but the message expires at \(Timestamp.format(expiresAt)) and would be withdrawn first. Set a later 'expiresAt'.",
                                  problems: [ValidationProblem(pointer: "/expiresAt", message: "Must be no earlier than \(Timestamp.format(due)).")])
            }
            dueBy[recipient] = due
        }
        return dueBy
    }

    /// For a child educated at home: the agencies of kind education in `to` are replaced by the
    /// policy's `deliverTo` (the local authority), which must be active, allowed to receive the
    /// type and serve the message's area; otherwise the message is refused, never left with nobody
    /// to support the child.
    private func insteadOfSchools(_ recipients: [AgencyID], _ rule: SharingPolicy.HomeEducationRule, _ envelope: Envelope,
                                  rule typeRule: SharingPolicy.Rule) throws -> [AgencyID] {
        guard let agency = directory.agencies[rule.deliverTo], agency.status == .active,
              typeRule.recipients.contains(agency.kind), agency.areas.contains(envelope.area) else {
            throw PolicyRefusal(rule: "educatedAtHome", "The child is educated at home, so '\(envelope.type)' goes to '\(rule.deliverTo)' instead of a school, but that agency cannot receive it now (unknown, suspended, of a kind the policy does not allow, or not serving area \(envelope.area)). Ask the partnership to correct the policy.",
                                pointer: rule.pointer)
        }
        let others = recipients.filter { directory.agencies[$0]?.kind != .education && $0 != rule.deliverTo }
        return [rule.deliverTo] + others
    }

    /// A record (such as a decision not to share) goes to nobody and never expires, so the
    /// refusal of a message that reaches nobody does not apply to it; naming recipients does.
    private func record(_ envelope: Envelope) throws -> RoutingDecision {
        guard envelope.to.isEmpty else {
            throw PolicyRefusal(rule: "routing", "'\(envelope.type)' is a record kept for its sender and auditors and delivered to nobody; leave out 'to'.",
                                pointer: "/to")
        }
        return RoutingDecision(recipients: [], expiresAt: nil, respondBy: nil)
    }

    /// The agencies in `to`: each known, active, not the sender, and of a kind the policy lets receive the type.
    private func direct(_ envelope: Envelope, rule: SharingPolicy.Rule) throws -> [AgencyID] {
        guard !envelope.to.isEmpty else { return [] }
        guard rule.routing.contains(.direct) else {
            throw PolicyRefusal(rule: "routing", "'\(envelope.type)' is delivered by subscription only; leave out 'to'.", pointer: "/to")
        }
        var problems: [ValidationProblem] = []
        for (index, recipient) in envelope.to.enumerated() {
            var pointer: JSONPointer { JSONPointer(["to", String(index)]) }
            if recipient == envelope.sender {
                problems.append(ValidationProblem(pointer: pointer, message: "An agency cannot send a message to itself."))
            } else if let known = directory.agencies[recipient] {
                if known.status == .suspended {
                    problems.append(ValidationProblem(pointer: pointer, message: "Agency '\(recipient)' is suspended and cannot receive messages."))
                }
            } else {
                problems.append(ValidationProblem(pointer: pointer, message: "No agency '\(recipient)' in the directory; see /v1/directory for ids."))
            }
        }
        guard problems.isEmpty else {
            throw BrokerError(.invalidRecipients, "The message cannot be delivered to every agency in 'to'; nothing was sent.", problems: problems)
        }
        for (index, recipient) in envelope.to.enumerated() {
            guard let agency = directory.agencies[recipient], rule.recipients.contains(agency.kind) else {
                throw PolicyRefusal(rule: "recipients", "Agency '\(recipient)' is of kind \(directory.agencies[recipient]?.kind.rawValue ?? "unknown"), which may not receive '\(envelope.type)'; the policy allows \(Self.list(rule.recipients)).",
                                    pointer: JSONPointer("/to").appending(index))
            }
            guard agency.areas.contains(envelope.area) else {
                throw PolicyRefusal(rule: "area", "Agency '\(recipient)' serves \(agency.areas.joined(separator: ", ")), not area \(envelope.area); it may not receive messages about that area.",
                                    pointer: JSONPointer("/to").appending(index))
            }
        }
        return envelope.to
    }

    /// Whether a message is one the subscription asks for.
    func matches(_ subscription: Subscription, _ envelope: Envelope, _ document: JSONValue) -> Bool {
        subscription.types.contains(envelope.type.description) && subscription.areas.contains(envelope.area)
            && subscription.filters.allSatisfy { filter in
                guard case .string(let value) = document.value(at: JSONPointer(stringLiteral: filter.pointer)) else { return false }
                return filter.values.contains(value)
            }
    }

    static func list<Value: RawRepresentable>(_ values: Set<Value>) -> String where Value.RawValue == String {
        values.map(\.rawValue).sorted().joined(separator: ", ")
    }
}
