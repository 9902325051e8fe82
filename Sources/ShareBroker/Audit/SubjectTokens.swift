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
/// `localIdentifiers` entry `{"system", "value"}`. The key is the broker's secret.
public struct SubjectTokens: Sendable {
    private let key: SymmetricKeyBytes

    /// `secret` must hold at least 32 bytes.
    public init(secret: Data) throws {
        guard secret.count >= 32 else {
            throw BrokerError(.badRequest, "The subject key must hold at least 32 random bytes.")
        }
        key = SymmetricKeyBytes(bytes: secret)
    }

    /// The tokens of every identifier in a subject, sorted and without repeats.
    public func tokens(of subject: JSONValue) -> [String] {
        var found = Set<String>()
        collect(subject, into: &found)
        return found.sorted()
    }

    /// The token of one NHS number (spaces and hyphens ignored), or nil if it is not ten digits.
    public func token(nhsNumber: String) -> String? {
        let digits = nhsNumber.utf8.filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "-") }
        guard digits.count == 10, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return hash("nhs:" + String(decoding: digits, as: UTF8.self))
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
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: key.bytes))))
    }
}

/// The secret's bytes (a `Sendable` copy; `SymmetricKey` is made per use).
private struct SymmetricKeyBytes: Sendable {
    let bytes: Data
}
