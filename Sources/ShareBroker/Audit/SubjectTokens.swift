import Crypto
public import Foundation
public import ShareModel
import ShareJWS

/// Keyed hashes of the identifiers of a message's subject, so the log can be searched by
/// NHS number or local identifier while holding no readable identifier.
///
/// A token is base64url(HMAC-SHA256(key, "nhs:" + the ten digits)) for every `nhsNumber`
/// anywhere in the subject (the child's, or the mother's for an unborn baby), and
/// base64url(HMAC-SHA256(key, "local:" + system + ":" + value)) for each
/// `localIdentifiers` entry `{"system", "value"}`. An unborn baby (`"unborn": true` with an
/// `expectedDeliveryDate`) also has a token of its own per identifier of the mother:
/// base64url(HMAC-SHA256(key, "unborn:" + the date + ":" + the mother's identifier as above)),
/// so that it is told apart from the mother's other pregnancies and from the mother herself.
/// The key is the broker's secret.
public struct SubjectTokens: Sendable {
    private let key: KeyedHMAC

    /// `secret` must hold at least 32 bytes.
    public init(secret: Data) throws {
        guard secret.count >= 32 else {
            throw BrokerError(.badRequest, "The subject key must hold at least 32 random bytes.")
        }
        key = KeyedHMAC(key: SymmetricKey(data: secret))
    }

    /// The tokens a message is found by: its subject's, and for a birth link also those of the
    /// unborn subject it links (`payload.unbornSubject`), so that the child's tokens lead to it.
    public func tokens(of envelope: Envelope) -> [String] {
        let subject = tokens(of: envelope.subject)
        guard envelope.type == .birthLink, let unborn = envelope.payload["unbornSubject"] else { return subject }
        return Set(subject + unbornTokens(of: unborn)).sorted()
    }

    /// The tokens of every identifier in a subject, and of an unborn subject itself, sorted and without repeats.
    public func tokens(of subject: JSONValue) -> [String] {
        var found = Set(unbornTokens(of: subject))
        collect(subject, into: &found)
        return found.sorted()
    }

    /// The tokens that identify the subject itself: an unborn baby's own (not its mother's), or
    /// those of a child's identifiers.
    public func identityTokens(of subject: JSONValue) -> [String] {
        subject["unborn"] == .bool(true) ? unbornTokens(of: subject) : tokens(of: subject)
    }

    /// The tokens of an unborn subject (`expectedDeliveryDate` and `mother`, with or without
    /// `"unborn": true`), one per identifier of the mother; none for any other subject.
    public func unbornTokens(of subject: JSONValue) -> [String] {
        guard (subject["unborn"] ?? .bool(true)) == .bool(true), let date = subject["expectedDeliveryDate"]?.stringValue,
              let mother = subject["mother"] else { return [] }
        var identifiers: [String] = []
        if let nhsNumber = mother["nhsNumber"]?.stringValue, let digits = Self.digits(nhsNumber) {
            identifiers.append("nhs:" + digits)
        }
        for item in mother["localIdentifiers"]?.arrayValue ?? [] {
            if let system = item["system"]?.stringValue, let value = item["value"]?.stringValue {
                identifiers.append("local:" + system + ":" + value)
            }
        }
        return identifiers.map { hash("unborn:" + date + ":" + $0) }.sorted()
    }

    /// The token of the unborn baby of the mother with this NHS number, due on `expectedDeliveryDate`
    /// (YYYY-MM-DD); nil if the NHS number is not ten digits.
    public func token(unbornOfMother nhsNumber: String, expectedDeliveryDate: String) -> String? {
        Self.digits(nhsNumber).map { hash("unborn:" + expectedDeliveryDate + ":nhs:" + $0) }
    }

    /// The token of one NHS number (spaces and hyphens ignored), or nil if it is not ten digits.
    public func token(nhsNumber: String) -> String? {
        Self.digits(nhsNumber).map { hash("nhs:" + $0) }
    }

    /// The ten digits of an NHS number, spaces and hyphens left out; nil if it is not ten digits.
    private static func digits(_ nhsNumber: String) -> String? {
        let digits = nhsNumber.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") }
        guard digits.count == 10, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return String(decoding: digits, as: UTF8.self)
    }

    /// The token of a local identifier.
    public func token(system: String, value: String) -> String {
        hash("local:" + system + ":" + value)
    }

    private func collect(_ value: JSONValue, into found: inout Set<String>) {
        switch value {
        case .object(let members):
            for (name, member) in members {
                if name == "nhsNumber", let text = member.stringValue, let token = token(nhsNumber: text) {
                    found.insert(token)
                } else if name == "localIdentifiers", let items = member.arrayValue {
                    for item in items {
                        if let system = item["system"]?.stringValue, let value = item["value"]?.stringValue {
                            found.insert(token(system: system, value: value))
                        }
                    }
                } else {
                    collect(member, into: &found)
                }
            }
        case .array(let items):
            items.forEach { collect($0, into: &found) }
        default:
            break
        }
    }

    private func hash(_ text: String) -> String {
        Base64URL.encode(Data(key.authenticationCode(for: Data(text.utf8))))
    }
}

/// HMAC-SHA256 keyed once with the secret (its two padded key blocks already hashed), so that
/// each token hashes only its text, from a copy.
private final class KeyedHMAC: @unchecked Sendable {
    // @unchecked Sendable: `keyed` is never changed after `init`. A token's copy shares
    // swift-crypto's hash states until its first update, which copies them first (they are
    // copied on write, checked with `isKnownUniquelyReferenced`), so copies made on several
    // threads at once change nothing they share.
    private let keyed: HMAC<SHA256>

    init(key: SymmetricKey) {
        keyed = HMAC(key: key)
    }

    func authenticationCode(for data: Data) -> HashedAuthenticationCode<SHA256> {
        var copy = keyed
        copy.update(data: data)
        return copy.finalize()
    }
}
