import Foundation
import ShareBroker
import ShareCatalogue
import ShareModel

/// The codes of the log and the envelope, said in words for a reader who is not an engineer.
/// A code with no entry is shown as it is, so that nothing recorded is hidden.
struct Words {
    let directory: Directory
    let catalogue: MessageCatalogue

    /// The agency's name from the directory ("the broker itself" for the broker).
    func agency(_ id: AgencyID) -> String {
        if id == .broker { return "the broker itself" }
        return directory.agencies[id]?.name ?? id.rawValue
    }

    /// The message type's title from its schema (before any colon), and its version.
    func type(_ code: String?) -> String {
        guard let code else { return "unknown type" }
        guard let type = MessageType(code), let title = catalogue.entry(for: type)?.title else { return code }
        let short = title.split(separator: ":", maxSplits: 1).first.map(String.init) ?? title
        return type.version == 1 ? short : "\(short) (version \(type.version))"
    }

    /// Why a message went to a recipient: "directly", or "by subscription <id>: <what it
    /// matches>" (or "since removed" when `subscriptions`, those that still exist, lacks it).
    func routing(_ reason: SubjectTimeline.Delivery.Reason?, subscriptions: [UUID: Subscription]) -> String {
        switch reason {
        case .route(.direct): return "directly"
        case .route(.subscription(let id)):
            guard let subscription = subscriptions[id] else { return "by subscription \(id.lowercasedString), since removed" }
            return "by subscription \(id.lowercasedString): \(matches(subscription))"
        case .route(.educatedAtHome): return "in place of the school: the child is educated at home"
        case .unnamedSubscription: return "by a subscription (recorded before the log named which)"
        case nil: return "not known"
        }
    }

    /// What a subscription asks for, such as "Unborn-baby referral in area E99999999, where
    /// /disclosure/consent/status is given or refused".
    func matches(_ subscription: Subscription) -> String {
        let filters = subscription.filters.map { "\($0.pointer) is \($0.values.joined(separator: " or "))" }
        return subscription.types.map(type).joined(separator: ", ")
            + " in area\(subscription.areas.count == 1 ? "" : "s") \(subscription.areas.joined(separator: ", "))"
            + (filters.isEmpty ? "" : ", where " + filters.joined(separator: " and "))
    }

    static func purpose(_ code: String) -> String {
        [
            "safeguarding-referral": "Safeguarding referral", "information-request": "Request for information",
            "information-response": "Response to a request for information", "case-information": "Information about an open case",
            "notification": "Notification", "strategy-discussion": "Strategy discussion",
            "child-protection-enquiry": "Child protection enquiry (section 47)", "serious-incident-review": "Serious incident review",
        ][code] ?? code
    }

    static func lawfulBasis(_ code: String) -> String {
        [
            "consent": "Consent (UK GDPR Article 6(1)(a))", "contract": "Contract (Article 6(1)(b))",
            "legal-obligation": "Legal obligation (Article 6(1)(c))", "vital-interests": "Vital interests (Article 6(1)(d))",
            "public-task": "Public task (Article 6(1)(e))", "legitimate-interests": "Legitimate interests (Article 6(1)(f))",
        ][code] ?? code
    }

    static func specialCategory(_ code: String) -> String {
        [
            "safeguarding-of-children-and-individuals-at-risk":
                "Safeguarding of children and of individuals at risk (DPA 2018 Schedule 1 paragraph 18)",
            "safeguarding-of-children-and-individuals-at-risk-law-enforcement":
                "Safeguarding of children and of individuals at risk, law enforcement (DPA 2018 Schedule 8 paragraph 4)",
            "health-or-social-care-purposes": "Health or social care purposes", "statutory-and-government-purposes": "Statutory and government purposes",
            "preventing-or-detecting-unlawful-acts": "Preventing or detecting unlawful acts", "explicit-consent": "Explicit consent",
            "vital-interests": "Vital interests",
        ][code] ?? code
    }

    static func consent(_ status: String) -> String {
        ["given": "Consent given", "refused": "Consent refused", "not-sought": "Consent not sought",
         "not-required": "Consent not required"][status] ?? status
    }

    /// Why the sharing policy refused, from the rule that refused.
    static func refusal(_ rule: String?) -> String {
        guard let rule else { return "refused" }
        return [
            "types": "the sharing policy does not allow this type of message at all",
            "senders": "agencies of the sender's kind may not send this type",
            "area": "an agency involved does not serve the case's area",
            "consent": "the policy does not allow this type with the consent recorded",
            "maxExpiryDays": "it was to be kept for delivery longer than the policy allows",
            "request": "an information request without a time to answer by",
            "educatedAtHome": "the child is educated at home and the local authority could not receive it",
            "routing": "it was addressed in a way its type does not allow",
            "recipients": "an addressee's kind may not receive this type",
            "queriedBy": "agencies of this kind may not ask about child-protection flags",
        ][rule] ?? "the policy's '\(rule)' rule"
    }

    static func category(_ category: SubjectTimeline.Category) -> String {
        switch category {
        case .disclosure: "Disclosure"
        case .decisionNotToShare: "Decision not to share"
        case .notice: "Notice from the broker"
        case .refusal: "Refused attempt"
        case .flagQuery: "Child-protection flag query"
        }
    }

    static func entryKind(_ kind: String) -> String {
        [
            "published": "received and stored", "routed": "routed to a recipient", "delivered": "handed to the recipient",
            "acknowledged": "acknowledged by the recipient", "retrieved": "read again", "expired": "expired undelivered",
            "dead-lettered": "dead-lettered (never acknowledged)", "refused": "refused by the sharing policy",
            "audit-queried": "looked at by an auditor", "flag-queried": "child-protection flags asked about",
        ][kind] ?? kind
    }

    static func setting(_ code: String?) -> String {
        guard let code else { return "" }
        return code.split(separator: "-").joined(separator: " ")
    }
}
