import Foundation
import ShareServer
import ShareTesting
import Testing

/// The audit trail is always on: a configuration without its keys does not start a broker.
@Suite("Configuration: the audit trail cannot be switched off")
struct AuditConfigurationTests {
    /// The error that loading the demo configuration, edited by `edit`, stops with.
    func loadError(_ edit: @escaping (inout [String: Any]) -> Void) throws -> String {
        let prepared = try TestBroker(configure: edit)
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        do {
            _ = try ServerSettings.load(from: prepared.configurationFile, environment: [:])
            return ""
        } catch let error as ConfigurationError {
            return error.description
        }
    }

    @Test("without an audit section the broker refuses to start and says what to add")
    func auditSectionRequired() throws {
        let error = try loadError { $0["audit"] = nil }
        #expect(error.hasPrefix("/audit is required"))
        #expect(error.contains("openssl rand -base64 32"))
    }

    @Test("without a subject key the broker refuses to start")
    func subjectKeyRequired() throws {
        let error = try loadError { $0["audit"] = ["signingKey": "pki/broker-audit.signing.key"] }
        #expect(error.hasPrefix("/audit/subjectKey is required"))
    }

    @Test("an audit key that is still a placeholder path is refused")
    func placeholderKeyRefused() throws {
        let error = try loadError {
            $0["audit"] = ["signingKey": "/etc/sharebroker/audit/tree-heads.signing.key", "subjectKey": "pki/broker-subject.key"]
        }
        #expect(error.hasPrefix("/audit/signingKey: cannot read a PEM P-256 private key"))
    }

    @Test("the example production configuration names both audit keys")
    func exampleHasAuditKeys() throws {
        let example = Paths.repository.appendingPathComponent("Deploy/sharebroker.example.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: example)) as? [String: Any])
        let audit = try #require(document["audit"] as? [String: Any])
        #expect(audit["signingKey"] is String)
        #expect(audit["subjectKey"] is String)
    }
}
