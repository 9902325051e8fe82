public import Foundation
public import ShareJWS
public import ShareModel

/// The agencies the broker knows, indexed for the lookups made on every request.
/// A value: a reload builds a new one and swaps it in whole.
public struct Directory: Sendable {
    public let agencies: [AgencyID: Agency]
    private let byFingerprint: [String: AgencyID]
    private let keys: [String: Signer]

    /// A signing key's owner, its key, and when it was retired (nil: in use).
    public struct Signer: Sendable {
        public let agency: AgencyID
        public let key: VerificationKey
        public let retiredAt: Date?
    }

    /// Builds the indexes. Throws `DirectoryError` naming the agency at fault if two agencies
    /// share a certificate or a key, or a key is not a valid P-256 point.
    public init(agencies list: [Agency]) throws {
        var agencies: [AgencyID: Agency] = [:]
        var byFingerprint: [String: AgencyID] = [:]
        var keys: [String: Signer] = [:]
        for agency in list {
            guard agency.id != .broker else {
                throw DirectoryError(reason: "'\(AgencyID.broker)' is the broker's own id in the event record; give the agency another id.")
            }
            guard agencies[agency.id] == nil else {
                throw DirectoryError(reason: "Agency '\(agency.id)' is listed twice.")
            }
            agencies[agency.id] = agency
            for fingerprint in agency.certificateFingerprints {
                if let other = byFingerprint[fingerprint] {
                    throw DirectoryError(reason: "Agencies '\(other)' and '\(agency.id)' list the same certificate fingerprint.")
                }
                byFingerprint[fingerprint] = agency.id
            }
            for signingKey in agency.signingKeys {
                let jwk = JWK(kty: "EC", crv: "P-256", x: signingKey.x, y: signingKey.y)
                let publicKey: VerificationKey
                do {
                    publicKey = VerificationKey(try jwk.publicKey())
                } catch {
                    throw DirectoryError(reason: "A signing key of agency '\(agency.id)' is not usable: \(error).")
                }
                guard signingKey.kid == jwk.thumbprint else {
                    throw DirectoryError(reason: "A signing key of agency '\(agency.id)' has kid '\(signingKey.kid)', but its RFC 7638 thumbprint is '\(jwk.thumbprint)'.")
                }
                if let other = keys[signingKey.kid] {
                    throw DirectoryError(reason: "Agencies '\(other.agency)' and '\(agency.id)' list the same signing key.")
                }
                keys[signingKey.kid] = Signer(agency: agency.id, key: publicKey, retiredAt: signingKey.retiredAt)
            }
        }
        self.agencies = agencies
        self.byFingerprint = byFingerprint
        self.keys = keys
    }

    /// The agency whose certificate has this SHA-256 fingerprint (lowercase hex).
    public func agency(certificateFingerprint: String) -> Agency? {
        byFingerprint[certificateFingerprint].flatMap { agencies[$0] }
    }

    /// The agency that owns a key, the key, and its retirement.
    public func signingKey(kid: String) -> Signer? {
        keys[kid]
    }

    /// Agencies sorted by id.
    public var sortedAgencies: [Agency] {
        agencies.values.sorted { $0.id < $1.id }
    }
}

/// A directory that cannot be used; `reason` names the agency and what to fix.
public struct DirectoryError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
