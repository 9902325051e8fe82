public import Foundation
public import ShareJWS
public import ShareModel

/// What one recipient receives of a stored message. A plain JWS goes to everyone as it is. An
/// SD-JWT goes with only the disclosures the type's `selectiveDisclosure` lets the recipient's
/// kind see (none when the type has no such rule, or the kind is not named), so the issuer's
/// signature still verifies over what it gets; its sender gets it whole. The decision is made
/// once, when the message is routed, and recorded in the recipient's `routed` entry; wherever a
/// body is handed to the agency later (inbox, stream, webhook, retrieval), the copy hands over
/// what that entry records, whatever the policy or the directory say by then.
public struct RecipientCopy: Sendable, Equatable {
    /// The body to hand over.
    public let body: Data
    /// Where the disclosures handed over are in the envelope; empty for a plain JWS.
    public let disclosed: [JSONPointer]
    /// Where the disclosures withheld are in the envelope.
    public let withheld: [JSONPointer]

    /// The copy of `body` (as stored: verified when published) for an agency of `kind`.
    public init(of body: Data, rule: DisclosureRule?, for kind: AgencyKind?) {
        self.init(of: body) { rule?.allows($0, to: kind) ?? false }
    }

    /// The copy of `body` that hands over the disclosures at `pointers` (those a `routed`
    /// entry recorded for its recipient) and withholds the others.
    public init(of body: Data, disclosing pointers: Set<String>) {
        self.init(of: body) { pointers.contains($0.description) }
    }

    /// The copy of an SD-JWT already reconstructed: a disclosure goes when the rule allows its
    /// place to `kind` and the disclosure holding it (if any) goes too.
    public init(_ sdjwt: SDJWT, _ reconstruction: SDJWT.Reconstruction, rule: DisclosureRule?, for kind: AgencyKind?) {
        self.init(sdjwt, reconstruction) { rule?.allows($0, to: kind) ?? false }
    }

    private init(of body: Data, allows: (JSONPointer) -> Bool) {
        guard SDJWT.isSDJWT(body) else {
            self.init(body: body, disclosed: [], withheld: [])
            return
        }
        guard let sdjwt = try? SDJWT(compact: body), let reconstruction = try? sdjwt.reconstruct() else {
            // Never stored (publish checks every SD-JWT); should it happen, nothing disclosable goes.
            self.init(body: Data(body.prefix { $0 != UInt8(ascii: "~") }) + Data("~".utf8), disclosed: [], withheld: [])
            return
        }
        self.init(sdjwt, reconstruction, allows: allows)
    }

    /// A disclosure goes when `allows` its place and the disclosure holding it (if any) goes too.
    private init(_ sdjwt: SDJWT, _ reconstruction: SDJWT.Reconstruction, allows: (JSONPointer) -> Bool) {
        var kept: [Bool?] = Array(repeating: nil, count: sdjwt.disclosures.count)
        func keeps(_ index: Int) -> Bool {
            if let known = kept[index] { return known }
            let place = reconstruction.places[index]
            let decision = (place.parent.map(keeps) ?? true) && allows(place.pointer)
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
