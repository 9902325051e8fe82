import Foundation
import ShareJWS
import ShareModel

/// A published body: a compact JWS, or an SD-JWT (RFC 9901, without key binding) whose
/// issuer-signed JWS is checked exactly as a plain one is.
struct SignedBody {
    /// The JWS whose signature is checked.
    let jws: CompactJWS
    /// The SD-JWT, when the body is one.
    let sdjwt: SDJWT?

    /// Splits the body. Throws `BrokerError` (`malformed-message`) when it is neither form.
    init(_ body: Data) throws {
        guard SDJWT.isSDJWT(body) else {
            do {
                jws = try CompactJWS(compact: body)
            } catch let error as JWSError {
                throw BrokerError(.malformedMessage, "The body is not a JWS in compact serialization: \(error.reason)")
            }
            sdjwt = nil
            return
        }
        do {
            let sdjwt = try SDJWT(compact: body)
            self.jws = sdjwt.jws
            self.sdjwt = sdjwt
        } catch let error as SDJWTError {
            throw BrokerError(.malformedMessage, "The body is not an SD-JWT: \(error.reason)")
        }
    }

    /// The signed envelope with every disclosure put back, and where each disclosure went
    /// (in the order they came). Call once the signature is checked. Throws `BrokerError`:
    /// `malformed-message` for a payload that is not one JSON object, `invalid-disclosures`
    /// (with the pointer) for a disclosure that breaks RFC 9901 or lies outside `/payload`.
    func opened() throws -> OpenedBody {
        guard let sdjwt else {
            let document: JSONValue
            do {
                document = try JSONValue(parsing: jws.payload)
            } catch {
                throw BrokerError(.malformedMessage, "The signed payload must be the envelope as one JSON object. \(error)")
            }
            return OpenedBody(document: document, sdjwt: nil, reconstruction: nil)
        }
        let reconstruction: SDJWT.Reconstruction
        do {
            reconstruction = try sdjwt.reconstruct()
        } catch let error as SDJWTError {
            throw BrokerError(.invalidDisclosures, "The SD-JWT's disclosures do not fit its signed payload: \(error.reason)",
                              problems: error.pointer.map { [ValidationProblem(pointer: $0, message: error.reason)] } ?? [])
        }
        let outside = reconstruction.places.map(\.pointer).filter { $0.tokens.count < 2 || $0.tokens[0] != "payload" }
        guard outside.isEmpty else {
            throw BrokerError(.invalidDisclosures, "Only members inside the envelope's 'payload' may be selectively disclosable; the broker routes, checks and audits the rest of the envelope, so it must be signed in clear.",
                              problems: outside.map { ValidationProblem(pointer: $0, message: "Disclosable, but outside /payload: sign it in clear.") })
        }
        return OpenedBody(document: reconstruction.document, sdjwt: sdjwt, reconstruction: reconstruction)
    }
}

/// A published body opened: the whole envelope, and for an SD-JWT its disclosures' places.
struct OpenedBody {
    let document: JSONValue
    let sdjwt: SDJWT?
    let reconstruction: SDJWT.Reconstruction?

    /// Where the disclosures are in the envelope; empty for a plain JWS.
    var places: [JSONPointer] { reconstruction?.places.map(\.pointer) ?? [] }

    /// What a recipient of `kind` receives (see `RecipientCopy`).
    func copy(rule: DisclosureRule?, for kind: AgencyKind?) -> RecipientCopy? {
        guard let sdjwt, let reconstruction else { return nil }
        return RecipientCopy(sdjwt, reconstruction, rule: rule, for: kind)
    }
}
