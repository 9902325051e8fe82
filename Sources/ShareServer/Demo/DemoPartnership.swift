public import Foundation
import Crypto
import ShareJWS
public import ShareModel
import ShareVault

/// The fictional Northshire partnership that `sharebroker demo` runs: nine agencies in area
/// E99999999, each with a TLS client certificate and a separate signing key, all generated
/// on first run into a data folder and reused afterwards.
public enum DemoPartnership {
    public struct Member: Sendable {
        public let id: String
        public let name: String
        public let kind: AgencyKind
    }

    public static let area = "E99999999"

    public static let members: [Member] = [
        Member(id: "northshire-hospitals", name: "Northshire Hospitals NHS Foundation Trust", kind: .health),
        Member(id: "northshire-police", name: "Northshire Police", kind: .police),
        Member(id: "northshire-csc", name: "Northshire Children's Social Care", kind: .socialCare),
        Member(id: "northshire-mash", name: "Northshire Multi-Agency Safeguarding Hub", kind: .mash),
        Member(id: "oakfield-primary", name: "Oakfield Primary School", kind: .education),
        Member(id: "northshire-audit", name: "Northshire Safeguarding Partnership Audit", kind: .auditor),
        Member(id: "riverside-surgery", name: "Riverside Surgery (GP practice)", kind: .health),
        Member(id: "northshire-health-visiting", name: "Northshire Health Visiting Service", kind: .health),
        Member(id: "national-panel", name: "Child Safeguarding Practice Review Panel (demo stand-in)", kind: .other),
    ]

    /// `count` extra children's social care agencies for the stream benchmark, named
    /// `bench-social-care-01` and on.
    public static func benchmarkMembers(_ count: Int) -> [Member] {
        (0..<max(0, count)).map { index in
            let number = String(format: "%02d", index + 1)
            return Member(id: "bench-social-care-\(number)", name: "Benchmark Social Care \(number) (fictional)", kind: .socialCare)
        }
    }

    /// The configuration file in `dataDirectory`, writing the PKI and the file first if absent;
    /// it validates messages against the catalogue in `schemas`. With `benchmarkAgencies`, the
    /// partnership also has that many `benchmarkMembers`. Returns whether it was created now.
    public static func prepare(dataDirectory: URL, port: Int, schemas: URL,
                               benchmarkAgencies: Int = 0) throws -> (configuration: URL, created: Bool) {
        let configuration = dataDirectory.appendingPathComponent("sharebroker.json")
        if FileManager.default.fileExists(atPath: configuration.path) {
            return (configuration, false)
        }
        let pkiFolder = dataDirectory.appendingPathComponent("pki")
        try FileManager.default.createDirectory(at: pkiFolder, withIntermediateDirectories: true)
        let pki = try DevPKI()
        try write(pki.caPEM, to: pkiFolder.appendingPathComponent("ca.crt"))
        try write(pki.caKey.pemRepresentation, to: pkiFolder.appendingPathComponent("ca.key"), secret: true)
        try write(revocationConfiguration(pki: pkiFolder), to: pkiFolder.appendingPathComponent("ca.cnf"))
        try write("", to: pkiFolder.appendingPathComponent("ca-index.txt"))
        let brokerClient = try pki.issueClient(agency: AgencyID.broker.rawValue)
        try write(brokerClient.certificatePEM, to: pkiFolder.appendingPathComponent("broker-client.crt"))
        try write(brokerClient.keyPEM, to: pkiFolder.appendingPathComponent("broker-client.key"), secret: true)
        let server = try pki.issueServer()
        try write(server.certificatePEM, to: pkiFolder.appendingPathComponent("broker.crt"))
        try write(server.keyPEM, to: pkiFolder.appendingPathComponent("broker.key"), secret: true)
        try write(P256SigningKeyFile.generate().pem, to: pkiFolder.appendingPathComponent("broker-audit.signing.key"), secret: true)
        try write(P256SigningKeyFile.generate().pem, to: pkiFolder.appendingPathComponent("broker-notices.signing.key"), secret: true)
        let subjectSecret = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
        try write(subjectSecret + "\n", to: pkiFolder.appendingPathComponent("broker-subject.key"), secret: true)
        try write(FileKeyEncryptionKey.generateFileText(), to: pkiFolder.appendingPathComponent("broker-payload-1.key"), secret: true)
        var agencies: [[String: Any]] = []
        for member in members + benchmarkMembers(benchmarkAgencies) {
            let client = try pki.issueClient(agency: member.id)
            try write(client.certificatePEM, to: pkiFolder.appendingPathComponent("\(member.id).crt"))
            try write(client.keyPEM, to: pkiFolder.appendingPathComponent("\(member.id).key"), secret: true)
            let signing = P256SigningKeyFile.generate()
            try write(signing.pem, to: pkiFolder.appendingPathComponent("\(member.id).signing.key"), secret: true)
            agencies.append([
                "id": member.id, "name": member.name, "kind": member.kind.rawValue, "areas": [area], "status": "active",
                "certificates": [["sha256": client.fingerprint]],
                "signingKeys": [["kty": "EC", "crv": "P-256", "x": signing.jwk.x, "y": signing.jwk.y, "kid": signing.jwk.thumbprint]],
            ])
        }
        let document: [String: Any] = [
            "listener": ["host": "127.0.0.1", "port": port],
            "tls": ["certificate": "pki/broker.crt", "privateKey": "pki/broker.key", "clientCA": "pki/ca.crt", "minimumVersion": "1.3",
                    "crl": "pki/crl.pem"],
            "limits": ["maxMessageBytes": 1_048_576, "maxBatchMessages": 100, "maxBatchBytes": 8_388_608,
                       "maxInboxBatch": 100, "maxWaitSeconds": 30],
            "delivery": ["visibilityTimeoutSeconds": 30, "streamHeartbeatSeconds": 15],
            "store": ["path": "broker.sqlite"],
            "schemas": schemas.standardizedFileURL.path,
            "policy": "policy.json",
            "signingKey": "pki/broker-notices.signing.key",
            "webhooks": ["clientCertificate": "pki/broker-client.crt", "clientKey": "pki/broker-client.key", "trustRoots": "pki/ca.crt"],
            "audit": ["signingKey": "pki/broker-audit.signing.key", "subjectKey": "pki/broker-subject.key"],
            "payloadKeys": ["current": "pki/broker-payload-1.key"],
            "calendars": [area: "calendars/northshire.json"],
            "agencies": agencies,
        ]
        let examples = dataDirectory.appendingPathComponent("examples")
        try FileManager.default.createDirectory(at: examples, withIntermediateDirectories: true)
        try write(DemoPolicy.text, to: dataDirectory.appendingPathComponent("policy.json"))
        let calendars = dataDirectory.appendingPathComponent("calendars")
        try FileManager.default.createDirectory(at: calendars, withIntermediateDirectories: true)
        try write(DemoCalendar.text, to: calendars.appendingPathComponent("northshire.json"))
        try write(example("unborn-baby-referral-1", catalogue: schemas), to: examples.appendingPathComponent("unborn-baby-referral.json"))
        try write(example("decision-not-to-share-1", catalogue: schemas), to: examples.appendingPathComponent("decision-not-to-share.json"))
        try write(example("domestic-abuse-notification-1", catalogue: schemas),
                  to: examples.appendingPathComponent("domestic-abuse-notification.json"))
        try write(example("domestic-abuse-notification-1", file: "valid-with-incident-narrative.json", catalogue: schemas),
                  to: examples.appendingPathComponent("domestic-abuse-notification-with-narrative.json"))
        try write(example("child-protection-flag-1", catalogue: schemas), to: examples.appendingPathComponent("child-protection-flag.json"))
        try write(example("birth-link-1", catalogue: schemas), to: examples.appendingPathComponent("birth-link.json"))
        try writeJSON(document, to: configuration)
        return (configuration, true)
    }

    /// The `openssl ca` configuration with which a newcomer revokes a demo certificate and
    /// publishes the revocation list the broker reads (README "Revoking a certificate").
    static func revocationConfiguration(pki: URL) -> String {
        """
        # openssl ca configuration for the demo's DEVELOPMENT CA (pki/ca.key): revoke a certificate
        # and publish the certificate revocation list that the broker reads (pki/crl.pem).
        #   openssl ca -config ca.cnf -revoke northshire-police.crt
        #   openssl ca -config ca.cnf -gencrl -out crl.pem
        [ ca ]
        default_ca = demo_ca

        [ demo_ca ]
        dir              = \(pki.standardizedFileURL.path)
        database         = $dir/ca-index.txt
        certificate      = $dir/ca.crt
        private_key      = $dir/ca.key
        new_certs_dir    = $dir
        default_md       = sha256
        default_crl_days = 30
        unique_subject   = no
        policy           = any_name

        [ any_name ]
        commonName = supplied

        """
    }

    /// Writes `port` into the configuration file as the listener's port, unless it says so
    /// already: the demo calls it once it listens (on `--port`, `SHAREBROKER_PORT`, or a free
    /// port for 0), so that `sharectl --as`, which reads the port there, reaches this run.
    public static func recordListeningPort(_ port: Int, in configuration: URL) throws {
        guard var document = try JSONSerialization.jsonObject(with: try Data(contentsOf: configuration)) as? [String: Any] else {
            throw DemoError("\(configuration.path) is not a JSON object.")
        }
        var listener = document["listener"] as? [String: Any] ?? [:]
        guard listener["port"] as? Int != port else { return }
        listener["port"] = port
        document["listener"] = listener
        try writeJSON(document, to: configuration)
    }

    private static let jsonOptions: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]

    private static func writeJSON(_ document: [String: Any], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: document, options: jsonOptions).write(to: url, options: .atomic)
    }

    private static func write(_ text: String, to url: URL, secret: Bool = false) throws {
        try Data(text.utf8).write(to: url, options: .atomic)
        if secret {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        }
    }

    /// The valid example `file` (by default the first) of the catalogue's examples folder `name`,
    /// without `id`, `sentAt` and `expiresAt` so that `sharectl` fills them in when it is published.
    static func example(_ name: String, file chosen: String? = nil, catalogue schemas: URL) throws -> String {
        let folder = schemas.appendingPathComponent("examples/\(name)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard let file = chosen ?? names.filter({ $0.hasPrefix("valid-") && $0.hasSuffix(".json") }).sorted().first,
              let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file).path),
              var envelope = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DemoError("No valid example in \(folder.path); is \(schemas.path) the repository's Schemas/ folder?")
        }
        for key in ["id", "sentAt", "expiresAt"] { envelope[key] = nil }
        let text = try JSONSerialization.data(withJSONObject: envelope, options: jsonOptions)
        return String(decoding: text, as: UTF8.self) + "\n"
    }
}

/// The demo cannot be prepared, and why.
public struct DemoError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A new ES256 signing key as PKCS#8 PEM, with its public JWK.
struct P256SigningKeyFile {
    let pem: String
    let jwk: JWK

    static func generate() -> P256SigningKeyFile {
        let key = P256.Signing.PrivateKey()
        return P256SigningKeyFile(pem: key.pemRepresentation, jwk: JWK(publicKey: key.publicKey))
    }
}
