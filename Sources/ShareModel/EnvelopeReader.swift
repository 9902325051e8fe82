import Foundation

/// Reads an envelope from JSON and reports every problem at once, each with its JSON Pointer.
///
/// This checks the envelope's shape and formats, and the rules between fields that a schema
/// cannot express (times in order); whether the named agencies exist, and whether the sender
/// may send, are the broker's decisions.
public struct EnvelopeReader: Sendable {
    public init() {}

    /// The envelope, or the full list of problems found in it.
    public func read(_ document: JSONValue) -> Result<Envelope, EnvelopeProblems> {
        var cursor = Cursor()
        guard let root = document.objectValue else {
            return .failure(EnvelopeProblems(problems: [
                ValidationProblem(pointer: .root, message: "The envelope must be a JSON object, not \(document.typeName).")
            ]))
        }
        let id = cursor.uuid(root, "id", at: .root)
        let typeText = cursor.string(root, "type", at: .root)
        var type: MessageType?
        if let typeText {
            type = MessageType(typeText)
            if type == nil {
                cursor.problem("/type", "'type' must be a message type name and version such as 'unborn-baby-referral/1'.")
            }
        }
        let sender = cursor.agencyID(root, "sender", at: .root)
        let to = cursor.recipients(root)
        let area = cursor.string(root, "area", at: .root)
        if let area, !Self.isAreaCode(area) {
            cursor.problem("/area", "'area' must be an ONS area code: a letter E, W, S or N followed by 8 digits, such as 'E99999999'.")
        }
        let subject = cursor.subject(root)
        let disclosure = cursor.disclosure(root)
        let sentAt = cursor.date(root, "sentAt", at: .root)
        let expiresAt = cursor.optionalDate(root, "expiresAt", at: .root)
        if let sentAt, let expiresAt, expiresAt <= sentAt {
            cursor.problem("/expiresAt", "'expiresAt' must be later than 'sentAt'.")
        }
        let inReplyTo = root["inReplyTo"] == nil ? nil : cursor.uuid(root, "inReplyTo", at: .root)
        let respondBy = cursor.optionalDate(root, "respondBy", at: .root)
        if let sentAt, let respondBy, respondBy <= sentAt {
            cursor.problem("/respondBy", "'respondBy' must be later than 'sentAt': answers cannot be due before the request is sent.")
        }
        if let sentAt, let decidedAt = disclosure?.decidedAt, decidedAt > sentAt {
            cursor.problem("/disclosure/decidedAt", "'decidedAt' must not be later than 'sentAt': the decision to share is made before sharing.")
        }
        let attachments = cursor.attachments(root)
        let payload = root["payload"]
        if payload == nil {
            cursor.problem("/payload", "'payload' is required: the type-specific content of the message (an object).")
        } else if payload?.objectValue == nil {
            cursor.problem("/payload", "'payload' must be an object, not \(payload!.typeName).")
        }
        for key in root.keys.sorted() where !Self.fields.contains(key) {
            cursor.problem(JSONPointer.root.appending(key.string), "'\(key)' is not an envelope field; put type-specific content inside 'payload'.")
        }
        guard cursor.problems.isEmpty, let id, let type, let sender, let area, let subject, let disclosure,
              let sentAt, let payload else {
            return .failure(EnvelopeProblems(problems: cursor.problems))
        }
        return .success(Envelope(
            id: id, type: type, sender: sender, to: to, area: area, subject: subject, disclosure: disclosure,
            sentAt: sentAt, expiresAt: expiresAt, inReplyTo: inReplyTo, respondBy: respondBy, payload: payload,
            attachments: attachments))
    }

    private static let fields: Set<JSONKey> = ["id", "type", "sender", "to", "area", "subject", "disclosure", "sentAt",
                                              "expiresAt", "inReplyTo", "respondBy", "payload", "attachments"]

    /// Whether `text` is an ONS area code: E, W, S or N and eight digits.
    public static func isAreaCode(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 9, ["E", "W", "S", "N"].contains(scalars[0]) else { return false }
        return scalars.dropFirst().allSatisfy { ("0"..."9").contains($0) }
    }
}

/// Everything wrong with an envelope.
public struct EnvelopeProblems: Error, Sendable {
    public let problems: [ValidationProblem]
}

/// Walks the envelope, collecting problems instead of stopping at the first.
private struct Cursor {
    var problems: [ValidationProblem] = []

    mutating func problem(_ pointer: JSONPointer, _ message: String) {
        problems.append(ValidationProblem(pointer: pointer, message: message))
    }

    mutating func string(_ object: [JSONKey: JSONValue], _ key: JSONKey, at base: JSONPointer, required: Bool = true) -> String? {
        guard let value = object[key] else {
            if required { problem(base.appending(key.string), "'\(key)' is required.") }
            return nil
        }
        guard let text = value.stringValue else {
            problem(base.appending(key.string), "'\(key)' must be a string, not \(value.typeName).")
            return nil
        }
        if Self.isBlank(text) {
            problem(base.appending(key.string), "'\(key)' must not be empty.")
            return nil
        }
        return text
    }

    /// Whether text is empty or only white space (Unicode's White_Space); a text that starts
    /// with a visible ASCII character, as nearly all do, is answered without a property look-up.
    private static func isBlank(_ text: String) -> Bool {
        if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
        return text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }

    mutating func uuid(_ object: [JSONKey: JSONValue], _ key: JSONKey, at base: JSONPointer) -> UUID? {
        guard let text = string(object, key, at: base) else { return nil }
        guard let uuid = UUID(text: text) else {
            problem(base.appending(key.string), "'\(key)' must be a UUID such as '2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11'.")
            return nil
        }
        return uuid
    }

    mutating func date(_ object: [JSONKey: JSONValue], _ key: JSONKey, at base: JSONPointer) -> Date? {
        guard let text = string(object, key, at: base) else { return nil }
        guard let date = Timestamp.parse(text) else {
            problem(base.appending(key.string), "'\(key)' must be an RFC 3339 date-time such as '2026-11-22T09:31:00Z'.")
            return nil
        }
        return date
    }

    mutating func optionalDate(_ object: [JSONKey: JSONValue], _ key: JSONKey, at base: JSONPointer) -> Date? {
        object[key] == nil ? nil : date(object, key, at: base)
    }

    mutating func agencyID(_ object: [JSONKey: JSONValue], _ key: JSONKey, at base: JSONPointer) -> AgencyID? {
        guard let text = string(object, key, at: base) else { return nil }
        guard let id = AgencyID(text) else {
            problem(base.appending(key.string), "'\(text)' is not an agency id: ids are lowercase letters, digits and hyphens.")
            return nil
        }
        return id
    }

    mutating func recipients(_ root: [JSONKey: JSONValue]) -> [AgencyID] {
        guard let value = root["to"] else { return [] }
        guard let items = value.arrayValue else {
            problem("/to", "'to' must be a list of agency ids, not \(value.typeName).")
            return []
        }
        var result: [AgencyID] = []
        for (index, item) in items.enumerated() {
            let pointer = JSONPointer(["to", String(index)])
            guard let text = item.stringValue, let id = AgencyID(text) else {
                problem(pointer, "Each recipient must be an agency id string such as 'northshire-csc'.")
                continue
            }
            if result.contains(id) {
                problem(pointer, "'\(text)' is listed more than once.")
            } else {
                result.append(id)
            }
        }
        return result
    }

    /// The documents referenced by digest: each `{digest, mediaType, size, title?}`, each digest once.
    mutating func attachments(_ root: [JSONKey: JSONValue]) -> [AttachmentReference] {
        guard let value = root["attachments"] else { return [] }
        guard let items = value.arrayValue, !items.isEmpty else {
            problem("/attachments", "'attachments' must be a non-empty list of {digest, mediaType, size}, not \(value.typeName).")
            return []
        }
        var result: [AttachmentReference] = []
        for (index, item) in items.enumerated() {
            let base = JSONPointer(["attachments", String(index)])
            guard let object = item.objectValue else {
                problem(base, "Each attachment must be an object {digest, mediaType, size}, not \(item.typeName).")
                continue
            }
            let digestText = string(object, "digest", at: base)
            let digest = digestText.flatMap(AttachmentDigest.init(text:))
            if digestText != nil && digest == nil {
                problem(base.appending("digest"), "'digest' must be 'sha-256:' and 64 lowercase hexadecimal digits (the document's SHA-256, as sha256sum prints it).")
            }
            if let digest, result.contains(where: { $0.digest == digest }) {
                problem(base.appending("digest"), "This document is listed more than once.")
            }
            let mediaType = string(object, "mediaType", at: base)
            var size: Int?
            if case .number(let number)? = object["size"], number >= 0, number <= 9_007_199_254_740_991, number.rounded() == number {
                size = Int(number)
            } else {
                problem(base.appending("size"), "'size' is required: the document's length in bytes, a whole number.")
            }
            let title = object["title"] == nil ? nil : string(object, "title", at: base)
            for key in object.keys.sorted() where !["digest", "mediaType", "size", "title"].contains(key) {
                problem(base.appending(key.string), "'\(key)' is not an attachment field (digest, mediaType, size, title).")
            }
            guard let digest, let mediaType, let size, object["title"] == nil || title != nil else { continue }
            result.append(AttachmentReference(digest: digest, mediaType: mediaType, size: size, title: title))
        }
        return result
    }

    mutating func subject(_ root: [JSONKey: JSONValue]) -> JSONValue? {
        guard let value = root["subject"] else {
            problem("/subject", "'subject' is required: who the information is about (a child, or an unborn baby through the mother's identifiers).")
            return nil
        }
        guard let members = value.objectValue, !members.isEmpty else {
            problem("/subject", "'subject' must be a non-empty object identifying the child or unborn baby.")
            return nil
        }
        return value
    }

    mutating func disclosure(_ root: [JSONKey: JSONValue]) -> Disclosure? {
        let base = JSONPointer(["disclosure"])
        guard let value = root["disclosure"] else {
            problem(base, "'disclosure' is required: the record of the sharing decision (purpose, lawful basis, consent, who decided, when and why).")
            return nil
        }
        guard let object = value.objectValue else {
            problem(base, "'disclosure' must be an object, not \(value.typeName).")
            return nil
        }
        let purpose = string(object, "purpose", at: base)
        let lawfulBasis = string(object, "lawfulBasis", at: base)
        let condition = object["specialCategoryCondition"] == nil ? nil : string(object, "specialCategoryCondition", at: base)
        let consent = consent(object, at: base)
        let decidedBy = decisionMaker(object, at: base)
        let decidedAt = date(object, "decidedAt", at: base)
        let rationale = string(object, "rationale", at: base)
        let reconsiders = object["reconsiders"] == nil ? nil : uuid(object, "reconsiders", at: base)
        guard let purpose, let lawfulBasis, let consent, let decidedBy, let decidedAt, let rationale,
              object["reconsiders"] == nil || reconsiders != nil else { return nil }
        return Disclosure(purpose: purpose, lawfulBasis: lawfulBasis, specialCategoryCondition: condition,
                          consent: consent, decidedBy: decidedBy, decidedAt: decidedAt, rationale: rationale,
                          reconsiders: reconsiders)
    }

    mutating func consent(_ disclosure: [JSONKey: JSONValue], at base: JSONPointer) -> Consent? {
        let pointer = base.appending("consent")
        guard let value = disclosure["consent"] else {
            problem(pointer, "'consent' is required: its 'status' is given, refused, not-sought or not-required.")
            return nil
        }
        guard let object = value.objectValue else {
            problem(pointer, "'consent' must be an object with a 'status'.")
            return nil
        }
        guard let statusText = string(object, "status", at: pointer) else { return nil }
        guard let status = Consent.Status(rawValue: statusText) else {
            problem(pointer.appending("status"), "'status' must be one of given, refused, not-sought, not-required.")
            return nil
        }
        let needsReason = status == .notSought || status == .notRequired
        if needsReason && object["reason"] == nil {
            problem(pointer.appending("reason"), "A 'reason' is required when consent is \(status.rawValue): record why.")
            return nil
        }
        let reason = object["reason"] == nil ? nil : string(object, "reason", at: pointer)
        if object["reason"] != nil && reason == nil { return nil }
        return Consent(status: status, reason: reason)
    }

    mutating func decisionMaker(_ disclosure: [JSONKey: JSONValue], at base: JSONPointer) -> DecisionMaker? {
        let pointer = base.appending("decidedBy")
        guard let value = disclosure["decidedBy"] else {
            problem(pointer, "'decidedBy' is required: the practitioner's 'name' and 'role'.")
            return nil
        }
        guard let object = value.objectValue else {
            problem(pointer, "'decidedBy' must be an object with 'name' and 'role'.")
            return nil
        }
        let name = string(object, "name", at: pointer)
        let role = string(object, "role", at: pointer)
        guard let name, let role else { return nil }
        return DecisionMaker(name: name, role: role)
    }
}
