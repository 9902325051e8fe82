public import Foundation
public import ShareBroker
public import ShareCatalogue
import ShareCalendar
import ShareJWS
public import ShareModel
public import ShareVault

/// The files of the broker's outbound TLS identity for webhooks.
public struct WebhookTLS: Sendable {
    public var certificatePath: String
    public var privateKeyPath: String
    public var trustRootsPath: String
}

/// Where the plain-HTTP listener for metrics and health checks listens.
public struct MetricsListener: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }
}

/// Everything a broker needs to start, read from one file plus environment overrides.
public struct ServerSettings: Sendable {
    public enum TLSVersion: String, Sendable {
        case tls12 = "1.2"
        case tls13 = "1.3"
    }

    /// The file these settings came from; a reload reads it again.
    public var configurationFile: URL?
    public var host: String
    public var port: Int
    public var certificatePath: String
    public var privateKeyPath: String
    public var clientCAPath: String
    public var minimumTLSVersion: TLSVersion
    /// The client CA's certificate revocation list (PEM or DER), re-read when it changes and
    /// on SIGHUP; nil, or no file there: nothing revoked.
    public var crlPath: String?
    /// The plain-HTTP listener for `/metrics`, `/livez` and `/readyz`; nil: none.
    public var metrics: MetricsListener?
    /// How many connections are kept open and how long each client is waited for.
    public var connections = ConnectionSettings()
    public var broker: Broker.Configuration
    /// The message catalogue every envelope is validated against, loaded from `schemasPath`.
    public var catalogue: MessageCatalogue
    public var schemasPath: String
    /// Who may send and receive each message type, and how.
    public var policy: SharingPolicy
    /// Where the broker keeps its state: SQLite or PostgreSQL.
    public var store: StoreSettings
    /// The key that signs the audit log's tree heads.
    public var auditSigningKey: BrokerSigningKey
    /// The key that signs the broker's notices (delivery-failed/1, response-overdue/1).
    public var noticeSigningKey: BrokerSigningKey
    /// The broker's client certificate and the roots it trusts when it pushes to webhooks.
    public var webhookTLS: WebhookTLS?
    /// How often the timers look for expiries, deadlines and exhausted deliveries.
    public var timerInterval: Duration = .seconds(1)
    /// Keyed hashing of subject identifiers, so that the audit log can be searched by subject.
    public var subjectTokens: SubjectTokens
    /// How often a tree head is signed and kept while the log grows.
    public var treeHeadInterval: Duration = .seconds(5)
    /// How often the stored Merkle tree is extended with the entries appended since.
    public var treeCatchUpInterval: Duration = .milliseconds(250)
    /// How often the stored audit log is checked against the signed tree heads (also at start).
    public var auditCheckInterval: Duration = .seconds(3600)
    public var agencies: [Agency]
    /// The keys that seal message bodies at rest; nil: bodies are stored in clear.
    public var payloadKeys: PayloadKeys?

    /// Reads the file at `url` and applies overrides from `environment`:
    /// `SHAREBROKER_HOST`, `SHAREBROKER_PORT`, `SHAREBROKER_STORE_PATH`, `SHAREBROKER_POSTGRES_URL`,
    /// `SHAREBROKER_POSTGRES_PASSWORD`, `SHAREBROKER_SCHEMAS`.
    public static func load(from url: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServerSettings {
        let file = try ConfigFileReader.read(url)
        let folder = url.deletingLastPathComponent()
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
        }
        var broker = Broker.Configuration()
        if let value = file.limits?.maxMessageBytes {
            guard value >= 1024 else { throw ConfigurationError("/limits/maxMessageBytes must be at least 1024.") }
            broker.maxMessageBytes = value
        }
        if let value = file.limits?.maxBatchMessages {
            guard value >= 1 else { throw ConfigurationError("/limits/maxBatchMessages must be at least 1.") }
            broker.maxBatchMessages = value
        }
        if let value = file.limits?.maxBatchBytes {
            guard value >= 1024 else { throw ConfigurationError("/limits/maxBatchBytes must be at least 1024.") }
            broker.maxBatchBytes = value
        }
        if let value = file.limits?.maxInboxBatch {
            guard value >= 1 else { throw ConfigurationError("/limits/maxInboxBatch must be at least 1.") }
            broker.maxInboxBatch = value
        }
        if let value = file.limits?.maxWaitSeconds {
            guard (0...300).contains(value) else { throw ConfigurationError("/limits/maxWaitSeconds must be from 0 to 300.") }
            broker.maxWaitSeconds = value
        }
        if let value = file.attachments?.maxBytes {
            guard value >= 1 else { throw ConfigurationError("/attachments/maxBytes must be at least 1.") }
            broker.attachments.maxBytes = value
        }
        if let value = file.attachments?.mediaTypes {
            if let bad = value.first(where: { !$0.contains("/") || $0 != $0.lowercased() || $0.contains(";") }) {
                throw ConfigurationError("/attachments/mediaTypes must list lowercase media types without parameters, such as \"application/pdf\", not \"\(bad)\".")
            }
            broker.attachments.mediaTypes = Set(value)
        }
        if let value = file.attachments?.unreferencedDays {
            guard value > 0 else { throw ConfigurationError("/attachments/unreferencedDays must be more than 0.") }
            broker.attachments.unreferencedPeriod = value * 86_400
        }
        if let value = file.delivery?.maxAttempts {
            guard value >= 1 else { throw ConfigurationError("/delivery/maxAttempts must be at least 1.") }
            broker.maxAttempts = value
        }
        if let webhooks = file.webhooks {
            func seconds(_ value: Double?, _ name: String, default fallback: Double) throws -> Double {
                guard let value else { return fallback }
                guard value > 0 else { throw ConfigurationError("/webhooks/\(name) must be more than 0.") }
                return value
            }
            var configuration = WebhookConfiguration()
            configuration.timeout = try seconds(webhooks.timeoutSeconds, "timeoutSeconds", default: configuration.timeout)
            configuration.retryBase = try seconds(webhooks.retryBaseSeconds, "retryBaseSeconds", default: configuration.retryBase)
            configuration.retryMax = try seconds(webhooks.retryMaxSeconds, "retryMaxSeconds", default: configuration.retryMax)
            broker.webhooks = configuration
        }
        for (area, path) in (file.calendars ?? [:]).sorted(by: { $0.key < $1.key }) {
            broker.calendars[area] = try loadCalendar(area: area, path: resolve(path))
        }
        guard let noticeKeyPath = file.signingKey.map(resolve) else {
            throw ConfigurationError("/signingKey is required: a PEM P-256 private key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256) that signs the broker's own notices.")
        }
        if let value = file.delivery?.visibilityTimeoutSeconds {
            guard value >= 0 else { throw ConfigurationError("/delivery/visibilityTimeoutSeconds must not be negative.") }
            broker.visibilityTimeout = value
        }
        if let value = file.delivery?.streamHeartbeatSeconds {
            guard value > 0 && value <= 300 else {
                throw ConfigurationError("/delivery/streamHeartbeatSeconds must be more than 0 and at most 300.")
            }
            broker.streamHeartbeat = .milliseconds(Int(value * 1000))
        }
        let versionText = file.tls.minimumVersion ?? "1.3"
        guard let version = TLSVersion(rawValue: versionText) else {
            throw ConfigurationError("/tls/minimumVersion must be \"1.3\" (default) or \"1.2\", not \"\(versionText)\".")
        }
        guard let schemasPath = environment["SHAREBROKER_SCHEMAS"] ?? file.schemas.map(resolve) else {
            throw ConfigurationError("/schemas is required: the path of the message catalogue folder (the repository's Schemas/), relative to this file or absolute.")
        }
        let catalogue: MessageCatalogue
        do {
            catalogue = try MessageCatalogue.load(directory: URL(fileURLWithPath: schemasPath, isDirectory: true))
        } catch {
            throw ConfigurationError("/schemas: \(error.description)")
        }
        guard let policyPath = file.policy.map(resolve) else {
            throw ConfigurationError("/policy is required: the path of the sharing policy file (see the README's \"Sharing policy\").")
        }
        let policy = try loadPolicy(policyPath, catalogue: catalogue)
        guard let audit = file.audit else {
            throw ConfigurationError("/audit is required: the audit trail is always on. Give \"audit\": {\"signingKey\": PEM P-256 private key that signs tree heads (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256), \"subjectKey\": file of 32 random bytes in base64 (openssl rand -base64 32)}.")
        }
        guard let subjectKeyPath = audit.subjectKey.map(resolve) else {
            throw ConfigurationError("/audit/subjectKey is required: a file holding 32 random bytes in base64 (openssl rand -base64 32), the key of the subject tokens that let the log be searched by subject.")
        }
        var settings = ServerSettings(
            configurationFile: url,
            host: file.listener?.host ?? "127.0.0.1",
            port: file.listener?.port ?? 8443,
            certificatePath: resolve(file.tls.certificate),
            privateKeyPath: resolve(file.tls.privateKey),
            clientCAPath: resolve(file.tls.clientCA),
            minimumTLSVersion: version,
            crlPath: file.tls.crl.map(resolve),
            broker: broker,
            catalogue: catalogue,
            schemasPath: schemasPath,
            policy: policy,
            store: try StoreSettings.read(file.store, environment: environment, resolve: resolve),
            auditSigningKey: try signingKey(resolve(audit.signingKey), at: "/audit/signingKey"),
            noticeSigningKey: try signingKey(noticeKeyPath, at: "/signingKey"),
            webhookTLS: file.webhooks.map {
                WebhookTLS(certificatePath: resolve($0.clientCertificate), privateKeyPath: resolve($0.clientKey),
                           trustRootsPath: resolve($0.trustRoots))
            },
            subjectTokens: try subjectKey(subjectKeyPath),
            agencies: try file.agencies.enumerated().map(agency))
        settings.connections = try ConnectionSettings(file.connections)
        settings.payloadKeys = try file.payloadKeys.map { try payloadKeys($0, resolve: resolve) }
        if let metrics = file.metrics {
            let host = metrics.host ?? "127.0.0.1"
            guard !host.isEmpty else { throw ConfigurationError("/metrics/host must not be empty.") }
            guard (0...65535).contains(metrics.port) else { throw ConfigurationError("/metrics/port must be from 0 to 65535.") }
            settings.metrics = MetricsListener(host: host, port: metrics.port)
        }
        if let seconds = file.delivery?.timerIntervalSeconds {
            guard seconds > 0 else { throw ConfigurationError("/delivery/timerIntervalSeconds must be more than 0.") }
            settings.timerInterval = .milliseconds(Int(seconds * 1000))
        }
        if let seconds = audit.treeHeadIntervalSeconds {
            guard seconds > 0 else { throw ConfigurationError("/audit/treeHeadIntervalSeconds must be more than 0.") }
            settings.treeHeadInterval = .milliseconds(Int(seconds * 1000))
        }
        if let seconds = audit.catchUpIntervalSeconds {
            guard seconds > 0 else { throw ConfigurationError("/audit/catchUpIntervalSeconds must be more than 0.") }
            settings.treeCatchUpInterval = .milliseconds(max(1, Int(seconds * 1000)))
        }
        if let seconds = audit.verifyIntervalSeconds {
            guard seconds > 0 else { throw ConfigurationError("/audit/verifyIntervalSeconds must be more than 0.") }
            settings.auditCheckInterval = .milliseconds(Int(seconds * 1000))
        }
        if let host = environment["SHAREBROKER_HOST"] { settings.host = host }
        if let portText = environment["SHAREBROKER_PORT"] {
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw ConfigurationError("SHAREBROKER_PORT must be a port number, not '\(portText)'.")
            }
            settings.port = port
        }
        guard (0...65535).contains(settings.port) else { throw ConfigurationError("/listener/port must be from 0 to 65535.") }
        let directory = try settings.directory()
        for (type, rule) in policy.rules.sorted(by: { $0.key.description < $1.key.description }) {
            let named: [(AgencyID?, [String])] = [
                (rule.request?.escalateTo, ["request", "escalateTo"]), (rule.failureNoticesTo, ["failureNoticesTo"]),
            ]
            for case let (agency?, path) in named where directory.agencies[agency] == nil {
                throw ConfigurationError("/policy: \(policyPath) at \(JSONPointer(["types", type.description] + path)): there is no agency '\(agency)' in /agencies.")
            }
        }
        return settings
    }

    /// The agency directory these settings describe.
    public func directory() throws -> Directory {
        do {
            return try Directory(agencies: agencies)
        } catch let error as DirectoryError {
            throw ConfigurationError("/agencies: \(error.reason)")
        }
    }

    private static func loadPolicy(_ path: String, catalogue: MessageCatalogue) throws -> SharingPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("/policy: cannot read \(path).")
        }
        do {
            return try SharingPolicy(parsing: data, knownTypes: Set(catalogue.messageTypes))
        } catch {
            throw ConfigurationError("/policy: \(path) at \(error.description)")
        }
    }

    private static func loadCalendar(area: String, path: String) throws -> AreaCalendar {
        let at = JSONPointer(["calendars", area])
        guard EnvelopeReader.isAreaCode(area) else {
            throw ConfigurationError("\(at): '\(area)' is not an ONS area code such as E99999999.")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("\(at): cannot read \(path).")
        }
        do {
            return try AreaCalendar(parsing: data)
        } catch {
            throw ConfigurationError("\(at): \(path) at \(error.description)")
        }
    }

    private static func subjectKey(_ path: String) throws -> SubjectTokens {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let secret = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
              let tokens = try? SubjectTokens(secret: secret) else {
            throw ConfigurationError("/audit/subjectKey: \(path) must hold at least 32 random bytes in base64 (openssl rand -base64 32).")
        }
        return tokens
    }

    private static func payloadKeys(_ files: ConfigFile.PayloadKeyFiles, resolve: (String) -> String) throws -> PayloadKeys {
        func key(_ path: String, at pointer: String) throws -> FileKeyEncryptionKey {
            do {
                return try FileKeyEncryptionKey(file: resolve(path))
            } catch {
                throw ConfigurationError("\(pointer): \(error)")
            }
        }
        let current = try key(files.current, at: "/payloadKeys/current")
        let previous = try (files.previous ?? []).enumerated().map { try key($1, at: "/payloadKeys/previous/\($0)") }
        do {
            return try PayloadKeys(current: current, previous: previous)
        } catch {
            throw ConfigurationError("/payloadKeys: \(error)")
        }
    }

    private static func signingKey(_ path: String, at pointer: String) throws -> BrokerSigningKey {
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8), let key = try? BrokerSigningKey(pem: pem) else {
            throw ConfigurationError("\(pointer): cannot read a PEM P-256 private key from \(path).")
        }
        return key
    }

    private static func agency(_ index: Int, _ entry: ConfigFile.AgencyEntry) throws -> Agency {
        let at = "/agencies/\(index)"
        var fingerprints: [String] = []
        for (certificateIndex, certificate) in entry.certificates.enumerated() {
            let fingerprint = certificate.sha256.lowercased().replacingOccurrences(of: ":", with: "")
            guard fingerprint.count == 64, fingerprint.allSatisfy(\.isHexDigit) else {
                throw ConfigurationError("\(at)/certificates/\(certificateIndex)/sha256 must be the 64 hex digits of the certificate's SHA-256 fingerprint (openssl x509 -in CERT -outform DER | sha256sum).")
            }
            fingerprints.append(fingerprint)
        }
        var keys: [PublicSigningKey] = []
        for (keyIndex, key) in entry.signingKeys.enumerated() {
            let jwk = key.jwk
            do {
                _ = try jwk.publicKey()
            } catch let error as JWSError {
                throw ConfigurationError("\(at)/signingKeys/\(keyIndex): \(error.reason)")
            }
            if let kid = jwk.kid, kid != jwk.thumbprint {
                throw ConfigurationError("\(at)/signingKeys/\(keyIndex)/kid is '\(kid)' but the key's RFC 7638 thumbprint is '\(jwk.thumbprint)'; omit 'kid' or correct it.")
            }
            var retiredAt: Date?
            if let text = key.retiredAt {
                guard let time = Timestamp.parse(text) else {
                    throw ConfigurationError("\(at)/signingKeys/\(keyIndex)/retiredAt '\(text)' is not an RFC 3339 time such as 2027-01-31T00:00:00Z.")
                }
                retiredAt = time
            }
            keys.append(PublicSigningKey(kid: jwk.thumbprint, x: jwk.x, y: jwk.y, retiredAt: retiredAt))
        }
        for (areaIndex, area) in entry.areas.enumerated() where !EnvelopeReader.isAreaCode(area) {
            throw ConfigurationError("\(at)/areas/\(areaIndex) '\(area)' is not an ONS area code such as E99999999.")
        }
        return Agency(id: entry.id, name: entry.name, kind: entry.kind, areas: entry.areas, status: entry.status ?? .active,
                      certificateFingerprints: fingerprints, signingKeys: keys)
    }
}
