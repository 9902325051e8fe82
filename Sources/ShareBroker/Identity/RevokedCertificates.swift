public import Foundation

/// The client certificates that the partnership's CA has revoked, as its certificate revocation
/// list (CRL) names them: serial numbers under one issuer. A value: a new list replaces it whole.
public struct RevokedCertificates: Sendable, Equatable {
    /// The DER of the issuer's distinguished name; a certificate of another issuer is never revoked here.
    public let issuer: [UInt8]
    /// Serial numbers as unsigned big-endian bytes without leading zero bytes.
    public let serialNumbers: Set<[UInt8]>
    /// When the CA issued this list.
    public let thisUpdate: Date?
    /// When the CA promises its next list; nil if it does not say.
    public let nextUpdate: Date?

    /// No list: nothing revoked.
    public static let none = RevokedCertificates(issuer: [], serialNumbers: [], thisUpdate: nil, nextUpdate: nil)

    public init(issuer: [UInt8], serialNumbers: some Sequence<[UInt8]>, thisUpdate: Date?, nextUpdate: Date?) {
        self.issuer = issuer
        self.serialNumbers = Set(serialNumbers.map(Self.normalized))
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
    }

    /// Whether a certificate with this serial number may be revoked: a set lookup, so that the
    /// issuer needs reading only for the rare certificate whose serial is listed.
    public func lists(serialNumber: [UInt8]) -> Bool {
        !serialNumbers.isEmpty && serialNumbers.contains(Self.normalized(serialNumber))
    }

    /// Whether `certificate` is revoked: its serial number is listed and its issuer is this list's.
    public func revokes(_ certificate: PresentedCertificate) -> Bool {
        lists(serialNumber: certificate.serialNumber) && certificate.issuer == issuer
    }

    /// Whether the CA's promised next list is overdue at `now`: the list is stale, though still enforced.
    public func isStale(at now: Date) -> Bool {
        nextUpdate.map { $0 < now } ?? false
    }

    private static func normalized(_ serial: [UInt8]) -> [UInt8] {
        Array(serial.drop { $0 == 0 })
    }
}

/// The client certificate of a request, as the TLS session presented it.
public struct PresentedCertificate: Sendable {
    /// Lowercase hex SHA-256 of its DER: how the directory names it.
    public let fingerprint: String
    /// Its serial number, unsigned big-endian bytes.
    public let serialNumber: [UInt8]
    /// The DER of its issuer's name, read only when the serial number is on the revocation
    /// list (nil otherwise).
    public let issuer: [UInt8]?

    public init(fingerprint: String, serialNumber: [UInt8], issuer: [UInt8]?) {
        self.fingerprint = fingerprint
        self.serialNumber = serialNumber
        self.issuer = issuer
    }
}
