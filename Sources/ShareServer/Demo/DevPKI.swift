public import Crypto
public import Foundation
import ShareModel
import SwiftASN1
public import X509

/// A development PKI minted in memory: a CA, certificates it issues, and their keys.
/// For the demo and for tests only; production certificates come from the partnership's own CA.
public struct DevPKI {
    public let caName: DistinguishedName
    public let caCertificate: Certificate
    public let caKey: P256.Signing.PrivateKey

    /// A new CA valid for ten years, named for the fictional Northshire partnership unless told otherwise.
    public init(commonName: String = "Northshire Dev CA", now: Date = Date()) throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("Northshire Safeguarding Partnership (DEVELOPMENT ONLY)")
            CommonName(commonName)
        }
        self.caKey = caKey
        self.caName = caName
        caCertificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(3650 * 86400),
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: .init(caKey.publicKey))
            },
            issuerPrivateKey: .init(caKey))
    }

    /// A certificate and key issued by this CA.
    public struct Issued {
        public let certificate: Certificate
        public let key: P256.Signing.PrivateKey

        public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
        public var keyPEM: String { key.pemRepresentation }

        /// Lowercase hex SHA-256 of the certificate's DER: how the broker recognises it.
        public var fingerprint: String { DevPKI.fingerprint(certificate) }
    }

    /// The broker's server certificate, for `localhost` and `127.0.0.1`.
    public func issueServer(now: Date = Date()) throws -> Issued {
        try issue(commonName: "sharebroker", now: now) {
            SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
            try ExtendedKeyUsage([.serverAuth])
        }
    }

    /// An agency's TLS client certificate, named for the agency.
    public func issueClient(agency: String, now: Date = Date()) throws -> Issued {
        try issue(commonName: agency, now: now) {
            try ExtendedKeyUsage([.clientAuth])
        }
    }

    /// How long an issued certificate is valid: 398 days, the most that browsers and Mozilla's
    /// modern TLS guidance accept for a server certificate. Agencies' client certificates get the same.
    static let leafValidityDays = 398

    private func issue(commonName: String, now: Date,
                       @ExtensionsBuilder extra: () throws -> Result<Certificate.Extensions, any Error>) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("Northshire Safeguarding Partnership (DEVELOPMENT ONLY)")
            CommonName(commonName)
        }
        var extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            SubjectKeyIdentifier(hash: .init(key.publicKey))
            AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: .init(caKey.publicKey)).keyIdentifier)
        }
        for item in try extra().get() { try extensions.append(item) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(Double(Self.leafValidityDays) * 86400),
            issuer: caName, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: .init(caKey))
        return Issued(certificate: certificate, key: key)
    }

    public var caPEM: String { (try? caCertificate.serializeAsPEM().pemString) ?? "" }

    public static func fingerprint(_ certificate: Certificate) -> String {
        var serializer = DER.Serializer()
        try? serializer.serialize(certificate)
        return Hex.encode(SHA256.hash(data: serializer.serializedBytes))
    }
}
