import Foundation
import ShareBroker
import SwiftASN1
import X509

/// Reads the partnership CA's certificate revocation list (RFC 5280 section 5, PEM or DER)
/// and checks it before it is used: it must be issued by one of the client CAs and carry
/// that CA's valid signature, so a file that anyone could have written revokes nothing.
enum RevocationListFile {
    /// The list in `path`, checked against the client CA certificates in `clientCAPath`.
    /// A missing file means nothing is revoked (nil); a file that cannot be read or checked
    /// throws `ConfigurationError` naming what is wrong and what to do.
    static func load(_ path: String, clientCAPath: String) throws -> RevokedCertificates? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("/tls/crl: cannot read \(path); check its permissions.")
        }
        let list: ParsedList
        do {
            list = try ParsedList(der: try derBytes(data))
        } catch {
            throw ConfigurationError("/tls/crl: \(path) is not a certificate revocation list (PEM \"X509 CRL\" or DER): \(error).")
        }
        let authorities: [Certificate]
        do {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: clientCAPath)), as: UTF8.self)
            authorities = try PEMDocument.parseMultiple(pemString: text).map { try Certificate(pemDocument: $0) }
        } catch {
            throw ConfigurationError("/tls/clientCA: cannot read PEM certificates from \(clientCAPath).")
        }
        guard let issuer = authorities.first(where: { (try? derName($0.subject)) == list.issuer }) else {
            throw ConfigurationError("/tls/crl: \(path) is issued by a CA that is not in /tls/clientCA; give the revocation list of the CA that issues the agencies' certificates.")
        }
        guard let algorithm = list.signatureAlgorithm,
              issuer.publicKey.isValidSignature(list.signature, for: list.signedBytes, signatureAlgorithm: algorithm) else {
            throw ConfigurationError("/tls/crl: the signature of \(path) does not verify with the key of the CA that it names as issuer; the file was not made by that CA, or was changed.")
        }
        return RevokedCertificates(issuer: list.issuer, serialNumbers: list.serialNumbers, thisUpdate: list.thisUpdate, nextUpdate: list.nextUpdate)
    }

    private static func derBytes(_ data: Data) throws -> [UInt8] {
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("-----BEGIN") else { return Array(data) }
        let document = try PEMDocument(pemString: text)
        guard document.discriminator == "X509 CRL" else {
            throw ConfigurationError("the PEM block is \"\(document.discriminator)\", not \"X509 CRL\"")
        }
        return document.derBytes
    }

    private static func derName(_ name: DistinguishedName) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(name)
        return serializer.serializedBytes
    }

    /// The parts of a CertificateList that the broker uses.
    private struct ParsedList {
        var issuer: [UInt8] = []
        var thisUpdate: Date?
        var nextUpdate: Date?
        var serialNumbers: [[UInt8]] = []
        var signedBytes: ArraySlice<UInt8> = []
        var signatureAlgorithm: Certificate.SignatureAlgorithm?
        var signature: [UInt8] = []

        init(der: [UInt8]) throws {
            let root = try DER.parse(der)
            try DER.sequence(root, identifier: .sequence) { nodes in
                guard let tbs = nodes.next(), let algorithm = nodes.next(), let signature = nodes.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "a CertificateList has three parts")
                }
                signedBytes = tbs.encodedBytes
                signatureAlgorithm = Self.algorithm(try DER.sequence(algorithm, identifier: .sequence) { try ASN1ObjectIdentifier(derEncoded: &$0) })
                self.signature = Array(try ASN1BitString(derEncoded: signature).bytes)
                try readTBS(tbs)
            }
        }

        /// TBSCertList: version?, signature, issuer, thisUpdate, nextUpdate?, revokedCertificates?, crlExtensions?
        private mutating func readTBS(_ node: ASN1Node) throws {
            try DER.sequence(node, identifier: .sequence) { nodes in
                var next = nodes.next()
                if next?.identifier == .integer { next = nodes.next() }
                guard next?.identifier == .sequence, let name = nodes.next(), let this = nodes.next() else {
                    throw ASN1Error.invalidASN1Object(reason: "the list lacks its signature algorithm, issuer or thisUpdate")
                }
                issuer = Array(name.encodedBytes)
                thisUpdate = try Self.time(this)
                next = nodes.next()
                if let node = next, node.identifier == .utcTime || node.identifier == .generalizedTime {
                    nextUpdate = try Self.time(node)
                    next = nodes.next()
                }
                if let node = next, node.identifier == .sequence {
                    serialNumbers = try DER.sequence(node, identifier: .sequence) { entries in
                        var serials: [[UInt8]] = []
                        while let entry = entries.next() {
                            serials.append(try DER.sequence(entry, identifier: .sequence) { fields in
                                guard let serial = fields.next(), serial.identifier == .integer, case .primitive(let bytes) = serial.content else {
                                    throw ASN1Error.invalidASN1Object(reason: "a revoked entry has no serial number")
                                }
                                while fields.next() != nil {}
                                return Array(bytes)
                            })
                        }
                        return serials
                    }
                }
                while nodes.next() != nil {}
            }
        }

        private static func time(_ node: ASN1Node) throws -> Date {
            let parts: (year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Double)
            if node.identifier == .utcTime {
                let time = try UTCTime(derEncoded: node)
                parts = (time.year, time.month, time.day, time.hours, time.minutes, Double(time.seconds))
            } else {
                let time = try GeneralizedTime(derEncoded: node)
                parts = (time.year, time.month, time.day, time.hours, time.minutes, Double(time.seconds) + time.fractionalSeconds)
            }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = .gmt
            let components = DateComponents(year: parts.year, month: parts.month, day: parts.day, hour: parts.hours, minute: parts.minutes)
            guard let date = calendar.date(from: components) else {
                throw ASN1Error.invalidASN1Object(reason: "a time is not a date")
            }
            return date.addingTimeInterval(parts.seconds)
        }

        /// The signature algorithms a CA signs lists with: ECDSA and RSA PKCS#1 v1.5 with SHA-2.
        private static func algorithm(_ oid: ASN1ObjectIdentifier) -> Certificate.SignatureAlgorithm? {
            switch oid.description {
            case "1.2.840.10045.4.3.2": .ecdsaWithSHA256
            case "1.2.840.10045.4.3.3": .ecdsaWithSHA384
            case "1.2.840.10045.4.3.4": .ecdsaWithSHA512
            case "1.2.840.113549.1.1.11": .sha256WithRSAEncryption
            case "1.2.840.113549.1.1.12": .sha384WithRSAEncryption
            case "1.2.840.113549.1.1.13": .sha512WithRSAEncryption
            default: nil
            }
        }
    }
}
