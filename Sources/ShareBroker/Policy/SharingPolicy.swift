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
        /// For a record type that agencies may ask about (child-protection flags): the kinds that may ask.
        public let queriedBy: Set<AgencyKind>

        /// Whether the type is a record delivered to nobody.
        public var isRecord: Bool { routing == [.record] }
    }

    /// How answers to an information request are due.
    public struct RequestRule: Sendable, Equatable {
        /// Where the envelope gives the urgency, such as `/payload/urgency`.
        public let urgency: JSONPointer
        /// How long recipients have to answer, by urgency (such as red, amber, green), matched by code point.
        public let respondWithin: [JSONKey: TimeInterval]
        /// Who is told, besides the requester, when answers are overdue.
        public let escalateTo: AgencyID?

        /// When answers to `envelope` are due: its own `respondBy`, or `sentAt` plus the time
        /// its urgency allows; nil if it has neither.
        public func respondBy(_ envelope: Envelope, document: JSONValue) -> Date? {
            if let respondBy = envelope.respondBy { return respondBy }
            guard let level = document.value(at: urgency)?.stringValue, let within = respondWithin[JSONKey(level)] else { return nil }
            return envelope.sentAt.addingTimeInterval(within)
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
        let known: Set<JSONKey> = ["senders", "recipients", "routing", "consent", "maxExpiryDays", "request", "failureNoticesTo", "queriedBy", "$comment"]
        for key in object.keys.sorted() where !known.contains(key) {
            throw PolicyError(pointer: pointer.appending(key.string), "'\(key)' is not a policy field; a type has senders, recipients, routing, consent, maxExpiryDays, request, failureNoticesTo and queriedBy.")
        }
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
            failureNoticesTo: try agency(object, "failureNoticesTo", at: pointer), queriedBy: [])
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
        for key: JSONKey in ["maxExpiryDays", "request", "failureNoticesTo"] where object[key] != nil {
            throw PolicyError(pointer: pointer.appending(key.string), "A record is delivered to nobody, so '\(key)' does not apply; leave it out.")
        }
        return Rule(
            senders: try names(object, "senders", at: pointer, as: AgencyKind.self), recipients: [], routing: routing,
            consent: try names(object, "consent", at: pointer, as: Consent.Status.self),
            maxExpiry: nil, request: nil, failureNoticesTo: nil,
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
            throw PolicyError(pointer: pointer, "'request' must be an object with urgency, respondWithinHours and escalateTo.")
        }
        for key in object.keys.sorted() where !["urgency", "respondWithinHours", "escalateTo"].contains(key) {
            throw PolicyError(pointer: pointer.appending(key.string), "'\(key)' is not a request field; a request has urgency, respondWithinHours and escalateTo.")
        }
        guard let urgency = object["urgency"]?.stringValue, urgency.utf8.first == UInt8(ascii: "/") else {
            throw PolicyError(pointer: pointer.appending("urgency"), "'urgency' must be a JSON Pointer into the envelope, such as \"/payload/urgency\".")
        }
        guard let hours = object["respondWithinHours"]?.objectValue, !hours.isEmpty else {
            throw PolicyError(pointer: pointer.appending("respondWithinHours"), "'respondWithinHours' must map each urgency to hours, such as {\"red\": 4, \"amber\": 24, \"green\": 72}.")
        }
        var respondWithin: [JSONKey: TimeInterval] = [:]
        for (level, value) in hours {
            guard case .number(let count) = value, count > 0 else {
                throw PolicyError(pointer: pointer.appending("respondWithinHours").appending(level.string), "Hours must be a number above 0.")
            }
            respondWithin[level] = count * 3600
        }
        let escalateTo = try agency(object, "escalateTo", at: pointer)
        return RequestRule(urgency: JSONPointer(stringLiteral: urgency), respondWithin: respondWithin, escalateTo: escalateTo)
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
