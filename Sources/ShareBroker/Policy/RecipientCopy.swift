public import Foundation
public import ShareJWS
public import ShareModel

/// What one recipient receives of a stored message: the one decision, made wherever a body is
/// handed to an agency (inbox, stream, webhook, retrieval). A plain JWS goes to everyone as
/// it is. An SD-JWT goes with only the disclosures the type's `selectiveDisclosure` lets the
/// recipient's kind see (none when the type has no such rule, or the kind is not named), so
/// the issuer's signature still verifies over what it gets; its sender gets it whole.
public struct RecipientCopy: Sendable, Equatable {
    /// The body to hand over.
    public let body: Data
    /// Where the disclosures handed over are in the envelope; empty for a plain JWS.
    public let disclosed: [JSONPointer]
    /// Where the disclosures withheld are in the envelope.
    public let withheld: [JSONPointer]

    /// The copy of `body` (as stored: verified when published) for an agency of `kind`.
    public init(of body: Data, rule: DisclosureRule?, for kind: AgencyKind?) {
        guard SDJWT.isSDJWT(body) else {
            self.init(body: body, disclosed: [], withheld: [])
            return
        }
        guard let sdjwt = try? SDJWT(compact: body), let reconstruction = try? sdjwt.reconstruct() else {
            // Never stored (publish checks every SD-JWT); should it happen, nothing disclosable goes.
            self.init(body: Data(body.prefix { $0 != UInt8(ascii: "~") }) + Data("~".utf8), disclosed: [], withheld: [])
            return
        }
        self.init(sdjwt, reconstruction, rule: rule, for: kind)
    }

    /// The copy of an SD-JWT already reconstructed: a disclosure goes when the rule allows its
    /// place to `kind` and the disclosure holding it (if any) goes too.
    public init(_ sdjwt: SDJWT, _ reconstruction: SDJWT.Reconstruction, rule: DisclosureRule?, for kind: AgencyKind?) {
        var kept: [Bool?] = Array(repeating: nil, count: sdjwt.disclosures.count)
        func keeps(_ index: Int) -> Bool {
            if let known = kept[index] { return known }
            let place = reconstruction.places[index]
            let decision = (place.parent.map(keeps) ?? true) && (rule?.allows(place.pointer, to: kind) ?? false)
            kept[index] = decision
            return decision
        }
        let indices = sdjwt.disclosures.indices.filter(keeps)
        let pointers = reconstruction.places.map(\.pointer)
        self.init(body: sdjwt.keeping(indices), disclosed: indices.map { pointers[$0] },
                  withheld: sdjwt.disclosures.indices.filter { !keeps($0) }.map { pointers[$0] })
    }

    private init(body: Data, disclosed: [JSONPointer], withheld: [JSONPointer]) {
        self.body = body
        self.disclosed = disclosed
        self.withheld = withheld
    }
}
