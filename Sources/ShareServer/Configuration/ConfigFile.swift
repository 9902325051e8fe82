import Foundation
import ShareJWS
import ShareModel

/// The configuration file as written (JSON). README.md "Configuration" documents every key.
/// Relative paths are resolved against the file's folder.
struct ConfigFile: Decodable {
    struct Listener: Decodable {
        var host: String?
        var port: Int?
    }

    /// The plain-HTTP listener for `/metrics`, `/livez` and `/readyz`; none without it.
    struct Metrics: Decodable {
        var host: String?
        var port: Int
    }

    struct TLS: Decodable {
        var certificate: String
        var privateKey: String
        var clientCA: String
        /// "1.3" (default) or "1.2".
        var minimumVersion: String?
        /// The client CA's certificate revocation list; a missing file revokes nothing.
        var crl: String?
    }

    /// Limits on connections and how long the broker waits for a client (see `ConnectionSettings`).
    struct Connections: Decodable {
        var maxOpen: Int?
        var maxPerAddress: Int?
        var handshakeTimeoutSeconds: Double?
        var headerTimeoutSeconds: Double?
        var bodyTimeoutSeconds: Double?
        var idleTimeoutSeconds: Double?
    }

    struct Limits: Decodable {
        var maxMessageBytes: Int?
        var maxBatchMessages: Int?
        var maxBatchBytes: Int?
        var maxInboxBatch: Int?
        var maxWaitSeconds: Int?
    }

    /// Documents messages reference by digest (see `AttachmentLimits`).
    struct Attachments: Decodable {
        var maxBytes: Int?
        var mediaTypes: [String]?
        var unreferencedDays: Double?
    }

    struct Delivery: Decodable {
        var visibilityTimeoutSeconds: Double?
        var maxAttempts: Int?
        /// How often expiries, deadlines and exhausted deliveries are looked for (default 1 second).
        var timerIntervalSeconds: Double?
        /// How long a delivery stream may stay silent before a heartbeat (default 15 seconds).
        var streamHeartbeatSeconds: Double?
    }

    struct Audit: Decodable {
        /// PEM (PKCS#8) P-256 key that signs tree heads.
        var signingKey: String
        /// File holding at least 32 random bytes, base64: the key of subject tokens (required).
        var subjectKey: String?
        /// How often a tree head is signed and kept while the log grows (default 5 seconds).
        var treeHeadIntervalSeconds: Double?
        /// How often the stored Merkle tree is extended with new entries (default 0.25 seconds).
        var catchUpIntervalSeconds: Double?
        /// How often the stored log is checked against the signed tree heads (default 3600 seconds).
        var verifyIntervalSeconds: Double?
    }

    /// Either `path` (SQLite) or `postgres`.
    struct Store: Decodable {
        var path: String?
        var maxSizeBytes: Int?
        var postgres: Postgres?

        /// A PostgreSQL database several broker processes share.
        struct Postgres: Decodable {
            /// `postgres://user@host:port/database`, without a password.
            var url: String
            /// A file whose first line is the user's password; without it, `SHAREBROKER_POSTGRES_PASSWORD`.
            var passwordFile: String?
            var poolSize: Int?
            /// "verify-full" (default), "require" or "disable".
            var tls: String?
            /// PEM CA certificates the server's certificate must chain to (verify-full).
            var caFile: String?
            /// "database" (default: follow the database server's clock) or "local".
            var clock: String?
            /// How long a request waits for a database connection before 503 (default 10).
            var connectionWaitSeconds: Double?
        }
    }

    struct AgencyEntry: Decodable {
        struct CertificateEntry: Decodable {
            var sha256: String
        }

        var id: AgencyID
        var name: String
        var kind: AgencyKind
        var areas: [String]
        var status: AgencyStatus?
        var certificates: [CertificateEntry]
        var signingKeys: [SigningKeyEntry]
    }

    /// An agency's signing key: a P-256 JWK, and when it was retired, if it has been.
    struct SigningKeyEntry: Decodable {
        var jwk: JWK
        /// RFC 3339; from then on the key signs no new message.
        var retiredAt: String?

        private enum Keys: String, CodingKey { case retiredAt }

        init(from decoder: any Decoder) throws {
            jwk = try JWK(from: decoder)
            retiredAt = try decoder.container(keyedBy: Keys.self).decodeIfPresent(String.self, forKey: .retiredAt)
        }
    }

    var listener: Listener?
    var metrics: Metrics?
    var connections: Connections?
    var tls: TLS
    var limits: Limits?
    var attachments: Attachments?
    var delivery: Delivery?
    var store: Store
    /// Required: the audit trail is always on (ServerSettings says what is missing).
    var audit: Audit?
    /// The folder of the message catalogue (`*.schema.json`).
    var schemas: String?
    /// The sharing policy file.
    var policy: String?
    /// PEM (PKCS#8) P-256 key that signs the broker's own notices.
    var signingKey: String?
    var webhooks: Webhooks?
    /// Each area's calendar file (time zone, bank holidays, school terms), by ONS area code.
    var calendars: [String: String]?

    /// Outbound TLS for pushing deliveries to agencies' webhooks.
    struct Webhooks: Decodable {
        var clientCertificate: String
        var clientKey: String
        /// PEM CA certificate(s) that endpoints' certificates must chain to.
        var trustRoots: String
        var timeoutSeconds: Double?
        var retryBaseSeconds: Double?
        var retryMaxSeconds: Double?
    }
    var agencies: [AgencyEntry]
    /// The keys that encrypt message bodies at rest; without them bodies are stored in clear.
    var payloadKeys: PayloadKeyFiles?

    /// Files of 32 random bytes in base64: `current` wraps the data key of every new body;
    /// `previous` only unwraps (bodies not yet moved by `sharebroker rewrap`).
    struct PayloadKeyFiles: Decodable {
        var current: String
        var previous: [String]?
    }
}

/// Reads a configuration file, turning decoding failures into a sentence with a JSON Pointer.
enum ConfigFileReader {
    static func read(_ url: URL) throws -> ConfigFile {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigurationError("Cannot read the configuration file \(url.path): \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch let error as DecodingError {
            throw ConfigurationError("\(url.path): \(describe(error))")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func pointer(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "(top level)" : path.map { "/" + ($0.intValue.map(String.init) ?? $0.stringValue) }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "at \(pointer(context.codingPath)): the key '\(key.stringValue)' is required."
        case .typeMismatch(let type, let context):
            return "at \(pointer(context.codingPath)): expected \(type)."
        case .valueNotFound(let type, let context):
            return "at \(pointer(context.codingPath)): expected \(type), found null."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the file is not valid JSON." }
            return "at \(pointer(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "the file could not be read."
        }
    }
}

/// A configuration that cannot be used; the message says where and what to fix.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
