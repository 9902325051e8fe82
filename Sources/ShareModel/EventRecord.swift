public import Foundation

/// One entry of the append-only event record that the audit trail is built on.
///
/// It holds facts about a disclosure and a digest of the message, never the payload or the
/// subject's identifiers. `entryBytes` is its canonical encoding: JSON with sorted keys.
public struct EventRecord: Sendable, Equatable, Codable {
    /// What happened. Extensible: new kinds are new static members.
    public struct Kind: Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
        public var description: String { rawValue }

        public static let published = Kind("published")
        public static let routed = Kind("routed")
        public static let delivered = Kind("delivered")
        public static let acknowledged = Kind("acknowledged")
        public static let agencySuspended = Kind("agency-suspended")
        public static let agencyReinstated = Kind("agency-reinstated")
        public static let auditQueried = Kind("audit-queried")
        /// The sharing policy refused a message or a subscription; nothing else was stored.
        public static let refused = Kind("refused")
        public static let subscriptionCreated = Kind("subscription-created")
        public static let subscriptionRemoved = Kind("subscription-removed")
        /// A delivery was never acknowledged before its message expired; it is dead-lettered.
        public static let expired = Kind("expired")
        /// A delivery was handed out the maximum number of times without an acknowledgement.
        public static let deadLettered = Kind("dead-lettered")
        public static let webhookRegistered = Kind("webhook-registered")
        public static let webhookRemoved = Kind("webhook-removed")
        /// A sharing policy came into force (at start or on reload).
        public static let policyLoaded = Kind("policy-loaded")
        /// The sender, or a recipient it had been delivered to, read a stored message again.
        public static let retrieved = Kind("retrieved")
        /// A request came with a client certificate that the partnership's CA has revoked; it was refused.
        public static let certificateRevoked = Kind("certificate-revoked")
        /// An agency asked whether a subject has child-protection flags: one entry per owner told,
        /// with the id of its `flag-accessed/1` notice; or one with a fresh id and no owner when no
        /// flag was active. Either way its `subjects` are indexed, so it is found by the subject.
        public static let flagQueried = Kind("flag-queried")
        /// A message's retention ended: its content was destroyed (its entries and proofs stay).
        public static let purged = Kind("purged")
        /// An auditor placed a legal hold on a subject (`subjects`): its messages are not purged.
        public static let legalHoldPlaced = Kind("legal-hold-placed")
        /// An auditor lifted a legal hold on a subject (`subjects`).
        public static let legalHoldLifted = Kind("legal-hold-lifted")
        /// An agency uploaded a document (`attachment`, its digest) for its messages to reference.
        public static let attachmentUploaded = Kind("attachment-uploaded")
        /// The sender, or a recipient the message was delivered to, downloaded a document the
        /// message references (`attachment`).
        public static let attachmentRetrieved = Kind("attachment-retrieved")

        /// Every kind the broker records, in the order they are listed in the README.
        public static let all: [Kind] = [
            .published, .routed, .delivered, .acknowledged, .retrieved, .expired, .deadLettered, .refused, .agencySuspended,
            .agencyReinstated, .auditQueried, .subscriptionCreated, .subscriptionRemoved, .webhookRegistered,
            .webhookRemoved, .policyLoaded, .certificateRevoked, .flagQueried, .purged, .legalHoldPlaced, .legalHoldLifted,
            .attachmentUploaded, .attachmentRetrieved,
        ]
    }

    public let kind: Kind
    public let at: Date
    /// The agency that acted (the sender, the recipient that fetched or acknowledged, the agency suspended).
    public let agency: AgencyID
    public let messageID: UUID?
    public let deliveryID: UUID?
    /// The other party: the recipient of a routed message.
    public let recipient: AgencyID?
    /// For `refused`: the agencies the refused message was addressed to (its `to`).
    public let recipients: [AgencyID]?
    /// Base64 SHA-256 of the message bytes.
    public let messageDigest: String?
    public let messageType: String?
    public let area: String?
    public let disclosure: Disclosure?
    public let attempt: Int?
    /// For `audit-queried`: what was asked, such as `tree-head` or `entries fromIndex=0 limit=100`.
    public let query: String?
    /// For `published`, and legal holds: keyed hashes of the subject's identifiers (never the identifiers).
    public let subjects: [String]?
    /// For `refused`: the policy rule that refused, such as `senders` or `recipients`; for
    /// `purged`, `retentionDays`; for `routed`, `educatedAtHome` when the policy sent it to the
    /// local authority in place of the schools in `to`.
    public let rule: String?
    /// For `subscription-created` and `subscription-removed`: the subscription. For `routed`: the
    /// subscription the recipient was found by; absent when `to` named it (or for the broker's
    /// own notices), and in entries recorded before the broker named it.
    public let subscriptionID: UUID?
    /// For `policy-loaded`: base64 SHA-256 of the policy file.
    public let policyDigest: String?
    /// For `certificate-revoked`: the SHA-256 fingerprint (lowercase hex) of the certificate refused.
    public let certificate: String?
    /// For `published`: the request the message answers (its `inReplyTo`).
    public let inReplyTo: UUID?
    /// For `published` of an information request: when answers are due.
    public let respondBy: Date?
    /// For `routed`: when the recipient must acknowledge (its type's delivery deadline).
    public let dueBy: Date?
    /// For `flag-queried`: the setting the query was made from, such as `emergency-department`.
    public let setting: String?
    /// For `flag-queried`: the flags (the ids of the messages that set them) the answer named
    /// that belong to `recipient`, the owner told; absent when no flag was active.
    public let flags: [UUID]?
    /// For `attachment-uploaded` and `attachment-retrieved`: the document's digest
    /// (`sha-256:` and lowercase hex), never its content.
    public let attachment: String?
    /// For `routed` of an SD-JWT message: where (JSON Pointers into the envelope, never values)
    /// the selectively disclosable members the recipient receives are; empty when none.
    public let disclosed: [String]?
    /// For `routed` of an SD-JWT message: where the disclosable members withheld from the recipient are.
    public let withheld: [String]?

    public init(kind: Kind, at: Date, agency: AgencyID, messageID: UUID? = nil, deliveryID: UUID? = nil,
                recipient: AgencyID? = nil, recipients: [AgencyID]? = nil, messageDigest: String? = nil, messageType: String? = nil,
                area: String? = nil, disclosure: Disclosure? = nil, attempt: Int? = nil, query: String? = nil,
                subjects: [String]? = nil, rule: String? = nil, subscriptionID: UUID? = nil, policyDigest: String? = nil,
                certificate: String? = nil, inReplyTo: UUID? = nil, respondBy: Date? = nil, dueBy: Date? = nil,
                setting: String? = nil, flags: [UUID]? = nil, attachment: String? = nil, disclosed: [String]? = nil,
                withheld: [String]? = nil) {
        self.kind = kind
        self.at = at
        self.agency = agency
        self.messageID = messageID
        self.deliveryID = deliveryID
        self.recipient = recipient
        self.recipients = recipients
        self.messageDigest = messageDigest
        self.messageType = messageType
        self.area = area
        self.disclosure = disclosure
        self.attempt = attempt
        self.query = query
        self.subjects = subjects
        self.rule = rule
        self.subscriptionID = subscriptionID
        self.policyDigest = policyDigest
        self.certificate = certificate
        self.inReplyTo = inReplyTo
        self.respondBy = respondBy
        self.dueBy = dueBy
        self.setting = setting
        self.flags = flags
        self.attachment = attachment
        self.disclosed = disclosed
        self.withheld = withheld
    }

    private enum CodingKeys: String, CodingKey {
        case kind, at, agency, messageID, deliveryID, recipient, recipients, messageDigest, messageType, area, disclosure, attempt, query
        case subjects, rule, subscriptionID, policyDigest, certificate, inReplyTo, respondBy, dueBy, setting, flags, attachment
        case disclosed, withheld
    }

    /// Encodes every present field; ids are written in lowercase, as the API writes them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(at, forKey: .at)
        try container.encode(agency, forKey: .agency)
        try container.encodeIfPresent(messageID?.lowercasedString, forKey: .messageID)
        try container.encodeIfPresent(deliveryID?.lowercasedString, forKey: .deliveryID)
        try container.encodeIfPresent(recipient, forKey: .recipient)
        try container.encodeIfPresent(recipients, forKey: .recipients)
        try container.encodeIfPresent(messageDigest, forKey: .messageDigest)
        try container.encodeIfPresent(messageType, forKey: .messageType)
        try container.encodeIfPresent(area, forKey: .area)
        try container.encodeIfPresent(disclosure, forKey: .disclosure)
        try container.encodeIfPresent(attempt, forKey: .attempt)
        try container.encodeIfPresent(query, forKey: .query)
        try container.encodeIfPresent(subjects, forKey: .subjects)
        try container.encodeIfPresent(rule, forKey: .rule)
        try container.encodeIfPresent(subscriptionID?.lowercasedString, forKey: .subscriptionID)
        try container.encodeIfPresent(policyDigest, forKey: .policyDigest)
        try container.encodeIfPresent(certificate, forKey: .certificate)
        try container.encodeIfPresent(inReplyTo?.lowercasedString, forKey: .inReplyTo)
        try container.encodeIfPresent(respondBy, forKey: .respondBy)
        try container.encodeIfPresent(dueBy, forKey: .dueBy)
        try container.encodeIfPresent(setting, forKey: .setting)
        try container.encodeIfPresent(flags?.map(\.lowercasedString), forKey: .flags)
        try container.encodeIfPresent(attachment, forKey: .attachment)
        try container.encodeIfPresent(disclosed, forKey: .disclosed)
        try container.encodeIfPresent(withheld, forKey: .withheld)
    }

    /// The canonical bytes stored for this event: what `encode(to:)` writes with
    /// `ShareJSON.encoder()`, written directly because it happens several times per message.
    public func entryBytes() -> Data {
        var entry = JSONObjectWriter(capacity: disclosure == nil ? 256 : 768)
        entry.add("agency", agency.rawValue)
        entry.add("area", area)
        entry.add("at", Timestamp.format(at))
        entry.add("attachment", attachment)
        entry.add("attempt", attempt)
        entry.add("certificate", certificate)
        entry.add("deliveryID", deliveryID)
        entry.add("disclosed", disclosed.map { .array($0.map(JSONValue.string)) })
        if let disclosure { entry.add("disclosure", object: disclosure.write) }
        entry.add("dueBy", dueBy.map(Timestamp.format))
        entry.add("flags", flags.map { .array($0.map { .string($0.lowercasedString) }) })
        entry.add("inReplyTo", inReplyTo)
        entry.add("kind", kind.rawValue)
        entry.add("messageDigest", messageDigest)
        entry.add("messageID", messageID)
        entry.add("messageType", messageType)
        entry.add("policyDigest", policyDigest)
        entry.add("query", query)
        entry.add("recipient", recipient?.rawValue)
        entry.add("recipients", recipients.map { .array($0.map { .string($0.rawValue) }) })
        entry.add("respondBy", respondBy.map(Timestamp.format))
        entry.add("rule", rule)
        entry.add("setting", setting)
        entry.add("subjects", subjects.map { .array($0.map(JSONValue.string)) })
        entry.add("subscriptionID", subscriptionID)
        entry.add("withheld", withheld.map { .array($0.map(JSONValue.string)) })
        return entry.finish()
    }

    public static func decode(_ bytes: Data) throws -> EventRecord {
        try decoder.decode(EventRecord.self, from: bytes)
    }

    private static let decoder = ShareJSON.decoder()
}

/// An event as stored, with its position in the record.
public struct StoredEvent: Sendable, Equatable {
    public let index: Int
    public let event: EventRecord
    public let entry: Data

    public init(index: Int, event: EventRecord, entry: Data) {
        self.index = index
        self.event = event
        self.entry = entry
    }
}
