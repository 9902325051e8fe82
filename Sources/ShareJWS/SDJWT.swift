import Crypto
public import Foundation
public import ShareModel

/// An SD-JWT without key binding (RFC 9901): the issuer-signed JWS, then each disclosure
/// followed by `~` (`<JWS>~<disclosure>~…~<disclosure>~`). Split and decoded, not yet verified
/// or reconstructed. Digests are SHA-256 only (`_sd_alg` absent or "sha-256").
public struct SDJWT: Sendable {
    /// One disclosure: a salted object member (`name` and value) or array element (value only).
    public struct Disclosure: Sendable {
        /// The base64url text as it came, which is what its digest covers.
        public let encoded: String
        /// base64url SHA-256 of `encoded` (RFC 9901 section 4.2.3).
        public let digest: String
        /// The member's name; nil for an array element.
        public let name: String?
        public let value: JSONValue
    }

    /// The issuer-signed JWS.
    public let jws: CompactJWS
    /// The JWS's bytes as they came (everything before the first `~`).
    public let issuerSigned: Data
    public let disclosures: [Disclosure]

    /// Whether `data` is in the SD-JWT form rather than a plain compact JWS: only SD-JWT has `~`.
    public static func isSDJWT(_ data: Data) -> Bool {
        // Every streamed delivery asks this of its whole JWS.
        data.withUnsafeBytes { $0.firstOffset(of: UInt8(ascii: "~")) != nil }
    }

    /// Splits an SD-JWT and decodes its disclosures. Throws `SDJWTError` saying what is wrong.
    public init(compact data: Data) throws {
        let bytes = [UInt8](data)
        let tilde = UInt8(ascii: "~")
        guard let first = bytes.firstIndex(of: tilde), bytes.last == tilde else {
            throw SDJWTError("An SD-JWT is the issuer-signed JWS and its disclosures, each followed by '~'; this one ends with something after the last '~' (a key-binding JWT, which the broker does not take).")
        }
        do {
            jws = try CompactJWS(compact: Data(bytes[..<first]))
        } catch let error as JWSError {
            throw SDJWTError("The issuer-signed part (before the first '~') is not a compact JWS: \(error.reason)")
        }
        issuerSigned = Data(bytes[..<first])
        var disclosures: [Disclosure] = []
        var start = first + 1
        while start < bytes.count, let end = bytes[start...].firstIndex(of: tilde) {
            disclosures.append(try Self.disclosure(bytes[start..<end], number: disclosures.count + 1))
            start = end + 1
        }
        self.disclosures = disclosures
    }

    private static func disclosure(_ bytes: ArraySlice<UInt8>, number: Int) throws -> Disclosure {
        let place = "Disclosure \(number) (counting from 1 after the JWS)"
        guard let decoded = Base64URL.decode(bytes: bytes), let array = (try? JSONValue(parsing: decoded))?.arrayValue else {
            throw SDJWTError("\(place) is not base64url-encoded JSON array.")
        }
        guard (2...3).contains(array.count), array[0].stringValue != nil else {
            throw SDJWTError("\(place) must be [salt, name, value] for an object member or [salt, value] for an array element, with the salt a string.")
        }
        var name: String?
        if array.count == 3 {
            guard let text = array[1].stringValue else { throw SDJWTError("\(place): the member's name must be a string.") }
            guard text != "_sd", text != "..." else { throw SDJWTError("\(place) names '\(text)', which is reserved by RFC 9901.") }
            name = text
        }
        let encoded = String(decoding: bytes, as: UTF8.self)
        return Disclosure(encoded: encoded, digest: Base64URL.encode(Data(SHA256.hash(data: Data(bytes)))), name: name,
                          value: array[array.count - 1])
    }

    /// base64url SHA-256 of a disclosure's text.
    public static func digest(of encoded: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Data(encoded.utf8))))
    }

    /// The SD-JWT with only the disclosures at `kept` (indices into `disclosures`), in their order.
    public func keeping(_ kept: some Sequence<Int>) -> Data {
        var output = issuerSigned
        output.append(UInt8(ascii: "~"))
        for index in kept {
            output.append(contentsOf: disclosures[index].encoded.utf8)
            output.append(UInt8(ascii: "~"))
        }
        return output
    }
}

/// Why an SD-JWT was not accepted: the reason, and where in the reconstructed document when there is a place.
public struct SDJWTError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public let pointer: JSONPointer?

    public init(_ reason: String, at pointer: JSONPointer? = nil) {
        self.reason = reason
        self.pointer = pointer
    }

    public var description: String { reason }
}
