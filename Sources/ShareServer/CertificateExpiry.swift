import Foundation
import Logging
import NIOSSL
import ShareModel

/// The broker's TLS certificate and the client CA's, checked at start: one that has expired
/// stops the start, since no agency could connect; one that expires
/// within `warningPeriod` is logged as a warning. Agencies' own certificates are not held by
/// the broker (the directory keeps their fingerprints), so their expiry is their CA's to track.
enum CertificateExpiry {
    /// How long before its expiry a certificate is reported at start.
    static let warningPeriod: TimeInterval = 30 * 86_400

    /// A certificate the broker depends on, and when it stops being valid.
    struct Lifetime {
        /// `broker` (its TLS certificate) or `client-ca`.
        let name: String
        let path: String
        let notValidAfter: Date
    }

    /// The lifetimes of the broker's certificate and of every client CA certificate.
    static func lifetimes(_ settings: ServerSettings) throws -> [Lifetime] {
        func read(_ path: String, _ name: String, pointer: String) throws -> [Lifetime] {
            guard let certificates = try? NIOSSLCertificate.fromPEMFile(path), !certificates.isEmpty else {
                throw ConfigurationError("\(pointer): cannot read a PEM certificate from \(path).")
            }
            return certificates.map {
                Lifetime(name: name, path: path, notValidAfter: Date(timeIntervalSince1970: TimeInterval($0.notValidAfter)))
            }
        }
        return try read(settings.certificatePath, "broker", pointer: "/tls/certificate").prefix(1)
            + read(settings.clientCAPath, "client-ca", pointer: "/tls/clientCA")
    }

    /// Throws `ConfigurationError` if a certificate has expired at `now`; logs a
    /// warning for each that expires within `warningPeriod`. Returns the lifetimes.
    @discardableResult
    static func check(_ settings: ServerSettings, now: Date, logger: Logger) throws -> [Lifetime] {
        let lifetimes = try lifetimes(settings)
        for lifetime in lifetimes {
            let what = lifetime.name == "broker" ? "The broker's TLS certificate" : "A client CA certificate"
            if lifetime.notValidAfter <= now {
                throw ConfigurationError("\(what) in \(lifetime.path) expired at \(Timestamp.format(lifetime.notValidAfter)); no agency could connect. Install a renewed certificate and start again.")
            }
            if lifetime.notValidAfter.timeIntervalSince(now) < warningPeriod {
                logger.warning("A certificate expires within 30 days; renew it before then", metadata: [
                    "share.certificate": "\(lifetime.name)", "share.path": "\(lifetime.path)",
                    "share.expires": "\(Timestamp.format(lifetime.notValidAfter))",
                ])
            }
        }
        return lifetimes
    }
}
