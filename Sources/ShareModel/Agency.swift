public import Foundation

/// The stable identifier of an agency in the directory, such as `northshire-hospitals`.
public struct AgencyID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts 2 to 63 lowercase letters, digits and hyphens, starting with a letter or digit.
    public init?(_ rawValue: String) {
        guard Self.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// The broker itself, in the event record (for example when a sharing policy comes into
    /// force). No agency may have this id.
    public static let broker = AgencyID(uncheckedRawValue: "sharebroker")

    private init(uncheckedRawValue: String) {
        rawValue = uncheckedRawValue
    }

    public static func isValid(_ value: String) -> Bool {
        let scalars = value.unicodeScalars
        guard (2...63).contains(scalars.count), let first = scalars.first, first != "-" else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        guard let id = AgencyID(value) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(value)' is not an agency id: use 2 to 63 lowercase letters, digits and hyphens"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (lhs: AgencyID, rhs: AgencyID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What sort of organisation an agency is; the sharing policy is written in these terms.
public enum AgencyKind: String, Sendable, Codable, CaseIterable {
    case health
    case police
    case socialCare = "social-care"
    case education
    case mash
    case probation
    case youthJustice = "youth-justice"
    case auditor
    case other
}

/// Whether an agency may use the broker now. A suspended agency is refused on every request.
public enum AgencyStatus: String, Sendable, Codable {
    case active
    case suspended
}

/// An agency as the broker knows it: who it is, how its TLS certificate is recognised,
/// and the public keys its messages are signed with.
public struct Agency: Sendable, Equatable {
    public let id: AgencyID
    public let name: String
    public let kind: AgencyKind
    public let areas: [String]
    public let status: AgencyStatus
    /// Lowercase hex SHA-256 digests of the DER of each client certificate it may present.
    public let certificateFingerprints: [String]
    /// Its ES256 verification keys, each named by its RFC 7638 thumbprint.
    public let signingKeys: [PublicSigningKey]

    public init(
        id: AgencyID, name: String, kind: AgencyKind, areas: [String], status: AgencyStatus,
        certificateFingerprints: [String], signingKeys: [PublicSigningKey]
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.areas = areas
        self.status = status
        self.certificateFingerprints = certificateFingerprints
        self.signingKeys = signingKeys
    }

    public func with(status: AgencyStatus) -> Agency {
        Agency(id: id, name: name, kind: kind, areas: areas, status: status,
               certificateFingerprints: certificateFingerprints, signingKeys: signingKeys)
    }
}

/// A P-256 public key as a JWK's `x` and `y` (base64url), with its thumbprint as `kid`.
public struct PublicSigningKey: Sendable, Equatable {
    public let kid: String
    public let x: String
    public let y: String
    /// From this time the key signs no new message; messages the broker accepted before it
    /// still verify with it. Nil: in use.
    public let retiredAt: Date?

    public init(kid: String, x: String, y: String, retiredAt: Date? = nil) {
        self.kid = kid
        self.x = x
        self.y = y
        self.retiredAt = retiredAt
    }
}
