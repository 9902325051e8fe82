import Crypto
public import Foundation
public import ShareModel

/// Who may send each message type, who may receive it and how, which consent statuses are
/// acceptable, and the longest expiry. A message type the policy does not name is refused.
/// Parsed from the policy file (see README "Sharing policy"); a value that a reload swaps whole.
public struct SharingPolicy: Sendable {
    /// How a type reaches its recipients.
    public enum Routing: String, Sendable, CaseIterable {
        /// To the agencies the sender lists in `to`.
        case direct
        /// To the agencies whose subscriptions match.
        case subscription
        /// To nobody: the message is a record kept for its sender and auditors (such as a
        /// decision not to share). Never combined with the others.
        case record
    }

    /// The policy for one message type.
    public struct Rule: Sendable, Equatable {
        public let senders: Set<AgencyKind>
        public let recipients: Set<AgencyKind>
        public let routing: Set<Routing>
        public let consent: Set<Consent.Status>
        /// The longest allowed time from `sentAt` to `expiresAt`; nil for no limit.
        public let maxExpiry: TimeInterval?
        /// Set when the type is an information request that recipients must answer.
        public let request: RequestRule?
        /// The agency told, besides the sender, when a delivery of this type fails (such as the MASH).
        public let failureNoticesTo: AgencyID?
        /// When each recipient must have acknowledged its delivery, counted from when the broker
        /// accepted the message; nil for no deadline.
        public let deliveryDeadline: Deadline?
        /// Where a message about a child educated at home goes instead of a school; nil for nowhere else.
        public let educatedAtHome: HomeEducationRule?
        /// For a record type that agencies may ask about (child-protection flags): the kinds that may ask.
        public let queriedBy: Set<AgencyKind>
        /// How long a message's content is kept once it is settled (see `Retention`); nil: for ever.
        public var retention: TimeInterval? = nil
        /// Which selectively disclosable payload members each recipient kind receives; nil when
        /// the type takes no SD-JWT messages (see `DisclosureRule`).
        public var selectiveDisclosure: DisclosureRule? = nil

        /// Whether the type is a record delivered to nobody.
        public var isRecord: Bool { routing == [.record] }
    }

    /// A message whose envelope says the child is educated at home (`true` at `pointer`) goes to
    /// `deliverTo` (the local authority) instead of the agencies of kind education in its `to`.
    public struct HomeEducationRule: Sendable, Equatable {
        public let pointer: JSONPointer
        public let deliverTo: AgencyID

        /// Whether `document` is about a child educated at home.
        public func applies(to document: JSONValue) -> Bool {
            document.value(at: pointer) == .bool(true)
        }
    }

    /// How answers to an information request are due.
    public struct RequestRule: Sendable, Equatable {
        /// Where the envelope gives the urgency, such as `/payload/urgency`.
        public let urgency: JSONPointer
        /// How long recipients have to answer, by urgency (such as red, amber, green), matched by code point.
        public let respondWithin: [JSONKey: Deadline]
        /// Who is told, besides the requester, when answers are overdue.
        public let escalateTo: AgencyID?

        /// The time the urgency of `document` allows for answers; nil if it names none the policy knows.
        public func respondWithin(_ document: JSONValue) -> Deadline? {
            document.value(at: urgency)?.stringValue.flatMap { respondWithin[JSONKey($0)] }
        }
    }

    public let rules: [MessageType: Rule]
    /// Base64 SHA-256 of the policy file, recorded in the event record when it comes into force.
    public let digest: String

    /// The rule for a message type, if the policy names it.
    public func rule(for type: MessageType) -> Rule? {
        rules[type]
    }

    /// Reads a policy file. Every type must be in `knownTypes` (the catalogue's).
    public init(parsing data: Data, knownTypes: Set<MessageType>) throws(PolicyError) {
        guard let document = try? JSONValue(parsing: data), let root = document.objectValue else {
            throw PolicyError(pointer: .root, "The policy must be a JSON object with a \"types\" object.")
        }
        for key in root.keys where key != "types" && key != "$comment" {
            throw PolicyError(pointer: JSONPointer.root.appending(key.string), "'\(key)' is not a policy field; the policy has \"types\" (and an optional \"$comment\").")
        }
        guard let types = root["types"]?.objectValue, !types.isEmpty else {
            throw PolicyError(pointer: "/types", "\"types\" must be an object naming at least one message type, such as \"unborn-baby-referral/1\".")
        }
        var rules: [MessageType: Rule] = [:]
        for (name, value) in types.sorted(by: { $0.key < $1.key }) {
            let pointer = JSONPointer("/types").appending(name.string)
            guard let type = MessageType(name.string), knownTypes.contains(type) else {
                throw PolicyError(pointer: pointer, "'\(name)' is not a message type in the catalogue; GET /v1/schemas lists them.")
            }
            rules[type] = try Self.rule(value, at: pointer)
        }
        self.rules = rules
        digest = Data(SHA256.hash(data: data)).base64EncodedString()
    }

    private static func rule(_ value: JSONValue, at pointer: JSONPointer) throws(PolicyError) -> Rule {
        guard let object = value.objectValue else {
            throw PolicyError(pointer: pointer, "Each type's policy must be an object with senders, recipients, routing and consent.")
        }
        let known: Set<JSONKey> = ["senders", "recipients", "routing", "consent", "maxExpiryDays", "request", "failureNoticesTo",
                                   "deliveryDeadline", "educatedAtHome", "queriedBy", "retentionDays", "selectiveDisclosure", "$comment"]
        for key in object.keys.sorted() where !known.contains(key) {
            throw PolicyError(pointer: pointer.appending(key.string), "'\(key)' is not a policy field; a type has senders, recipients, routing, consent, maxExpiryDays, request, failureNoticesTo, deliveryDeadline, educatedAtHome, queriedBy, retentionDays and selectiveDisclosure.")
        }
        var rule = try unretained(object, at: pointer)
        rule.retention = try retention(object, at: pointer)
        if let value = object["selectiveDisclosure"] {
            rule.selectiveDisclosure = try DisclosureRule(parsing: value, recipients: rule.recipients,
                                                          at: pointer.appending("selectiveDisclosure"))
        }
        return rule
    }

    /// `retentionDays`: a number of days above 0, or absent (kept for ever).
    private static func retention(_ object: [JSONKey: JSONValue], at pointer: JSONPointer) throws(PolicyError) -> TimeInterval? {
        guard let days = object["retentionDays"] else { return nil }
        guard case .number(let count) = days, count > 0 else {
            throw PolicyError(pointer: pointer.appending("retentionDays"), "'retentionDays' must be a number of days above 0: how long the content is kept once every delivery is settled.")
        }
        return count * 86_400
    }

    private static func unretained(_ object: [JSONKey: JSONValue], at pointer: JSONPointer) throws(PolicyError) -> Rule {
        let routing = try names(object, "routing", at: pointer, as: Routing.self)
        if routing.contains(.record) {
            return try record(object, routing: routing, at: pointer)
        }
        if object["queriedBy"] != nil {
            throw PolicyError(pointer: pointer.appending("queriedBy"), "'queriedBy' names who may ask about a record type (\"routing\": [\"record\"]), such as child-protection-flag/1; leave it out here.")
        }
        var maxExpiry: TimeInterval?
        if let days = object["maxExpiryDays"] {
            guard case .number(let count) = days, count > 0 else {
                throw PolicyError(pointer: pointer.appending("maxExpiryDays"), "'maxExpiryDays' must be a number of days above 0.")
            }
            maxExpiry = count * 86_400
        }
        return Rule(
            senders: try names(object, "senders", at: pointer, as: AgencyKind.self),
            recipients: try names(object, "recipients", at: pointer, as: AgencyKind.self),
            routing: routing,
            consent: try names(object, "consent", at: pointer, as: Consent.Status.self),
            maxExpiry: maxExpiry,
            request: try object["request"].map { value throws(PolicyError) in try request(value, at: pointer.appending("request")) },
            failureNoticesTo: try agency(object, "failureNoticesTo", at: pointer),
            deliveryDeadline: try object["deliveryDeadline"].map { value throws(PolicyError) in
                try deadline(value, at: pointer.appending("deliveryDeadline"))
            },
            educatedAtHome: try object["educatedAtHome"].map { value throws(PolicyError) in
                try homeEducation(value, at: pointer.appending("educatedAtHome"))
            },
            queriedBy: [])
    }

    /// The rule of a record type (`"routing": ["record"]`): delivered to nobody, so it has no
    /// recipients, expiry, answers or failure notices; `queriedBy` may name the kinds that may ask about it.
    private static func record(_ object: [JSONKey: JSONValue], routing: Set<Routing>, at pointer: JSONPointer) throws(PolicyError) -> Rule {
        guard routing == [.record] else {
            throw PolicyError(pointer: pointer.appending("routing"), "'record' means delivered to nobody, so it cannot be combined with direct or subscription.")
        }
        if let recipients = object["recipients"], recipients.arrayValue?.isEmpty != true {
            throw PolicyError(pointer: pointer.appending("recipients"), "A record is delivered to nobody: write \"recipients\": [] or leave it out.")
        }
        for key: JSONKey in ["maxExpiryDays", "request", "failureNoticesTo", "deliveryDeadline", "educatedAtHome"] where object[key] != nil {
            throw PolicyError(pointer: pointer.appending(key.string), "A record is delivered to nobody, so '\(key)' does not apply; leave it out.")
        }
        return Rule(
            senders: try names(object, "senders", at: pointer, as: AgencyKind.self), recipients: [], routing: routing,
            consent: try names(object, "consent", at: pointer, as: Consent.Status.self),
            maxExpiry: nil, request: nil, failureNoticesTo: nil, deliveryDeadline: nil, educatedAtHome: nil,
            queriedBy: object["queriedBy"] == nil ? [] : try names(object, "queriedBy", at: pointer, as: AgencyKind.self))
    }

    /// The agency id that `object[key]` names.
    private static func agency(_ object: [JSONKey: JSONValue], _ key: JSONKey, at base: JSONPointer) throws(PolicyError) -> AgencyID? {
        guard let value = object[key] else { return nil }
        guard let id = value.stringValue.flatMap(AgencyID.init) else {
            throw PolicyError(pointer: base.appending(key.string), "'\(key)' must be an agency id from the directory.")
        }
        return id
    }

    private static func request(_ value: JSONValue, at pointer: JSONPointer) throws(PolicyError) -> RequestRule {
        guard let object = value.objectValue else {
            throw PolicyError(pointer: pointer, "'request' must be an object with urgency, respondWithin (or respondWithinHours) and escalateTo.")
        }
        for key in object.keys.sorted() where !["urgency", "respondWithin", "respondWithinHours", "escalateTo"].contains(key) {
            throw PolicyError(pointer: pointer.appending(key.string), "'\(key)' is not a request field; a request has urgency, respondWithin (or respondWithinHours) and escalateTo.")
        }
        guard let urgency = object["urgency"]?.stringValue, urgency.utf8.first == UInt8(ascii: "/") else {
            throw PolicyError(pointer: pointer.appending("urgency"), "'urgency' must be a JSON Pointer into the envelope, such as \"/payload/urgency\".")
        }
        let escalateTo = try agency(object, "escalateTo", at: pointer)
        return RequestRule(urgency: JSONPointer(stringLiteral: urgency), respondWithin: try respondWithin(object, at: pointer),
                           escalateTo: escalateTo)
    }

    /// The time allowed per urgency: `respondWithin` maps each to a deadline (`hours:4`,
    /// `working-days:3`), or `respondWithinHours` each to a number of hours; one of the two.
    private static func respondWithin(_ object: [JSONKey: JSONValue], at pointer: JSONPointer) throws(PolicyError) -> [JSONKey: Deadline] {
        let example = "{\"red\": \"hours:4\", \"amber\": \"hours:24\", \"green\": \"working-days:3\"}"
        if object["respondWithin"] != nil, object["respondWithinHours"] != nil {
            throw PolicyError(pointer: pointer.appending("respondWithinHours"), "Give 'respondWithin' or 'respondWithinHours', not both.")
        }
        let key: JSONKey = object["respondWithin"] != nil ? "respondWithin" : "respondWithinHours"
        guard let levels = object[key]?.objectValue, !levels.isEmpty else {
            throw PolicyError(pointer: pointer.appending("respondWithin"), "'respondWithin' must map each urgency to a deadline, such as \(example).")
        }
        var respondWithin: [JSONKey: Deadline] = [:]
        for (level, value) in levels {
            let at = pointer.appending(key.string).appending(level.string)
            if key == "respondWithinHours" {
                guard case .number(let count) = value, count > 0 else { throw PolicyError(pointer: at, "Hours must be a number above 0.") }
                respondWithin[level] = .hours(count)
            } else {
                respondWithin[level] = try deadline(value, at: at)
            }
        }
        return respondWithin
    }

    /// `{"pointer": "/payload/educatedAtHome", "deliverTo": "<agency id>"}`.
    private static func homeEducation(_ value: JSONValue, at pointer: JSONPointer) throws(PolicyError) -> HomeEducationRule {
        let shape = "{\"pointer\": \"/payload/educatedAtHome\", \"deliverTo\": \"<the local authority's agency id>\"}"
        guard let object = value.objectValue, Set(object.keys) == ["pointer", "deliverTo"],
              let target = object["pointer"]?.stringValue, target.utf8.first == UInt8(ascii: "/") else {
            throw PolicyError(pointer: pointer, "'educatedAtHome' must be \(shape).")
        }
        guard let deliverTo = try agency(object, "deliverTo", at: pointer) else {
            throw PolicyError(pointer: pointer.appending("deliverTo"), "'deliverTo' must be an agency id from the directory.")
        }
        return HomeEducationRule(pointer: JSONPointer(stringLiteral: target), deliverTo: deliverTo)
    }

    /// A deadline written in this field's units: `hours:N`, `next-school-day` or `working-days:N`.
    private static func deadline(_ value: JSONValue, at pointer: JSONPointer) throws(PolicyError) -> Deadline {
        guard let deadline = value.stringValue.flatMap(Deadline.init) else {
            throw PolicyError(pointer: pointer, "A deadline must be one of: \(Deadline.names); such as \"next-school-day\" or \"working-days:5\".")
        }
        return deadline
    }

    /// A non-empty list of names of `Value`'s cases.
    private static func names<Value: RawRepresentable & CaseIterable & Hashable>(
        _ object: [JSONKey: JSONValue], _ key: JSONKey, at base: JSONPointer, as: Value.Type
    ) throws(PolicyError) -> Set<Value> where Value.RawValue == String {
        let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
        guard let items = object[key]?.arrayValue, !items.isEmpty else {
            throw PolicyError(pointer: base.appending(key.string), "'\(key)' must be a non-empty list of: \(allowed).")
        }
        var values = Set<Value>()
        for (index, item) in items.enumerated() {
            guard let value = item.stringValue.flatMap(Value.init(rawValue:)) else {
                throw PolicyError(pointer: base.appending(key.string).appending(index), "Each of '\(key)' must be one of: \(allowed).")
            }
            values.insert(value)
        }
        return values
    }
}

/// A policy file that cannot be used: where (a JSON Pointer into the file) and why.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public let pointer: JSONPointer
    public let reason: String

    init(pointer: JSONPointer, _ reason: String) {
        self.pointer = pointer
        self.reason = reason
    }

    public var description: String {
        "\(pointer.description.isEmpty ? "the file" : pointer.description): \(reason)"
    }
}
