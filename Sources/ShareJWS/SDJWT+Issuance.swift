public import Crypto
import Foundation
public import ShareModel

extension SDJWT {
    /// Makes an SD-JWT of `document` signed once with `key`: each member or array element at a
    /// pointer in `disclosable` is replaced by the digest of a disclosure with a random 128-bit
    /// salt (an object member's digest in its object's `_sd`, sorted; an element's as
    /// `{"...": digest}`); `_sd_alg` is "sha-256". A pointer inside another disclosable member
    /// makes a disclosure within that one's value. Throws `SDJWTError` naming a pointer that
    /// is not in `document`.
    public static func issue(_ document: JSONValue, disclosable: [JSONPointer], key: P256.Signing.PrivateKey,
                             kid: String) throws -> String {
        for pointer in disclosable where pointer.tokens.isEmpty || document.value(at: pointer) == nil {
            throw SDJWTError("There is nothing at '\(pointer)' in the envelope to make disclosable.", at: pointer)
        }
        var maker = Maker(disclosable: Set(disclosable))
        guard case .object(var payload) = try maker.conceal(document, at: .root) else {
            throw SDJWTError("The envelope must be a JSON object.")
        }
        payload["_sd_alg"] = .string("sha-256")
        let signed = try ES256.sign(payload: JSONWriter.data(.object(payload)), with: key, kid: kid, type: "sharebroker+sd-jwt")
        return ([signed] + maker.disclosures).joined(separator: "~") + "~"
    }

    private struct Maker {
        let disclosable: Set<JSONPointer>
        var disclosures: [String] = []

        /// Makes a disclosure of `parts` ([salt, name, value] or [salt, value]) and returns its digest.
        private mutating func disclose(_ parts: [JSONValue]) throws -> String {
            let salt = Base64URL.encode(SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) })
            let encoded = Base64URL.encode(JSONWriter.data(.array([.string(salt)] + parts)))
            disclosures.append(encoded)
            return SDJWT.digest(of: encoded)
        }

        mutating func conceal(_ value: JSONValue, at pointer: JSONPointer) throws -> JSONValue {
            switch value {
            case .object(let members):
                var kept: [JSONKey: JSONValue] = [:]
                var digests: [String] = []
                for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                    let place = pointer.appending(key.string)
                    let inner = try conceal(member, at: place)
                    if disclosable.contains(place) {
                        digests.append(try disclose([.string(key.string), inner]))
                    } else {
                        kept[key] = inner
                    }
                }
                if !digests.isEmpty { kept["_sd"] = .array(digests.sorted().map(JSONValue.string)) }
                return .object(kept)
            case .array(let elements):
                var result: [JSONValue] = []
                for (index, element) in elements.enumerated() {
                    let place = pointer.appending(index)
                    let inner = try conceal(element, at: place)
                    result.append(disclosable.contains(place) ? .object(["...": .string(try disclose([inner]))]) : inner)
                }
                return .array(result)
            default:
                return value
            }
        }
    }
}
