public import Foundation

/// The signed payload of every message: who shares what about whom, with whom, and why.
/// See DESIGN.md "The message". Built only by `EnvelopeReader`, so every field is valid.
public struct Envelope: Sendable, Equatable {
    public let id: UUID
    public let type: MessageType
    public let sender: AgencyID
    public let to: [AgencyID]
    public let area: String
    /// Who the information is about; kept as sent, never logged.
    public let subject: JSONValue
    public let disclosure: Disclosure
    public let sentAt: Date
    public let expiresAt: Date?
    public let inReplyTo: UUID?
    public let respondBy: Date?
    public let payload: JSONValue
    /// Documents the message references by digest, each once (empty when it has none).
    public let attachments: [AttachmentReference]
}

/// A message type and version, written `name/version` (e.g. `unborn-baby-referral/1`).
public struct MessageType: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let version: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let version = Int(parts[1]), version > 0, String(version) == parts[1],
              AgencyID.isValid(String(parts[0])) else { return nil }
        self.name = String(parts[0])
        self.version = version
    }

    public var description: String { "\(name)/\(version)" }

    /// The record of a decision not to share (or to share less), kept and delivered to nobody;
    /// later shares name it in `disclosure.reconsiders`.
    public static let decisionNotToShare = MessageType("decision-not-to-share/1")!
    /// Sets or ends a child-protection flag on a subject: kept, queried by health, delivered to nobody.
    public static let childProtectionFlag = MessageType("child-protection-flag/1")!
    /// The broker's notice to a flag's owner that a health agency asked about the subject's flags.
    public static let flagAccessed = MessageType("flag-accessed/1")!
    /// Links a baby, after its birth, to the unborn subject of earlier messages.
    public static let birthLink = MessageType("birth-link/1")!

    /// The catalogue's record types: kept and audited, delivered to nobody, never expiring
    /// (their schemas forbid `to` and `expiresAt`).
    public static let records: Set<MessageType> = [.decisionNotToShare, .childProtectionFlag, .birthLink]
}

/// The sharing decision a practitioner made, as the law asks it to be recorded: to share, or
/// (in a `decision-not-to-share/1` message) not to share, or to share less.
public struct Disclosure: Sendable, Equatable, Codable {
    public let purpose: String
    public let lawfulBasis: String
    public let specialCategoryCondition: String?
    public let consent: Consent
    public let decidedBy: DecisionMaker
    public let decidedAt: Date
    public let rationale: String
    /// The id of the earlier decision not to share that this decision reconsiders.
    public let reconsiders: UUID?

    public init(purpose: String, lawfulBasis: String, specialCategoryCondition: String?, consent: Consent,
                decidedBy: DecisionMaker, decidedAt: Date, rationale: String, reconsiders: UUID? = nil) {
        self.purpose = purpose
        self.lawfulBasis = lawfulBasis
        self.specialCategoryCondition = specialCategoryCondition
        self.consent = consent
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.rationale = rationale
        self.reconsiders = reconsiders
    }

    private enum CodingKeys: String, CodingKey {
        case purpose, lawfulBasis, specialCategoryCondition, consent, decidedBy, decidedAt, rationale, reconsiders
    }

    /// Encodes every present field; `reconsiders` is written in lowercase, as the API writes ids.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(purpose, forKey: .purpose)
        try container.encode(lawfulBasis, forKey: .lawfulBasis)
        try container.encodeIfPresent(specialCategoryCondition, forKey: .specialCategoryCondition)
        try container.encode(consent, forKey: .consent)
        try container.encode(decidedBy, forKey: .decidedBy)
        try container.encode(decidedAt, forKey: .decidedAt)
        try container.encode(rationale, forKey: .rationale)
        try container.encodeIfPresent(reconsiders?.lowercasedString, forKey: .reconsiders)
    }

    /// Writes the disclosure's members as its `Codable` encoding writes them.
    public func write(to object: inout JSONObjectWriter) {
        object.add("consent") { consent in
            consent.add("reason", self.consent.reason)
            consent.add("status", self.consent.status.rawValue)
        }
        object.add("decidedAt", Timestamp.format(decidedAt))
        object.add("decidedBy") { maker in
            maker.add("name", decidedBy.name)
            maker.add("role", decidedBy.role)
        }
        object.add("lawfulBasis", lawfulBasis)
        object.add("purpose", purpose)
        object.add("rationale", rationale)
        object.add("reconsiders", reconsiders)
        object.add("specialCategoryCondition", specialCategoryCondition)
    }
}

/// Whether the subject consented, and if consent was not sought or not required, why.
public struct Consent: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case given
        case refused
        case notSought = "not-sought"
        case notRequired = "not-required"
    }

    public let status: Status
    public let reason: String?

    public init(status: Status, reason: String?) {
        self.status = status
        self.reason = reason
    }
}

/// The practitioner who made the sharing decision.
public struct DecisionMaker: Sendable, Equatable, Codable {
    public let name: String
    public let role: String

    public init(name: String, role: String) {
        self.name = name
        self.role = role
    }
}
