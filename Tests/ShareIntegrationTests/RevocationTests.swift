import Foundation
import ShareClient
import ShareServer
import ShareTesting
import Testing

/// Certificate revocation: the partnership's CA revokes one agency certificate with
/// `openssl ca`, and the broker refuses it while the agency's other certificates work.
@Suite("Certificate revocation")
struct RevocationTests {
    /// Runs `openssl ARGUMENTS` in the broker's pki folder; the test fails if it fails.
    func openssl(_ arguments: [String], in broker: TestBroker) async throws {
        let run = try await Subprocess.run("openssl", arguments, directory: broker.pkiFile(""))
        try #require(run.status == 0, "openssl \(arguments.joined(separator: " ")): \(run.stderr)")
    }

    /// Issues a second client certificate for `agency` with the demo CA's key, saved as
    /// `NAME.crt` and `NAME.key`, and lists it in the agency's directory entry; returns its fingerprint.
    func issueSecondCertificate(for agency: String, named name: String, in broker: TestBroker) async throws -> String {
        try await openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                           "-keyout", "\(name).key", "-subj", "/CN=\(agency)", "-out", "\(name).csr"], in: broker)
        try "extendedKeyUsage = clientAuth\n".write(toFile: broker.pkiFile("\(name).ext"), atomically: true, encoding: .utf8)
        try await openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-set_serial", "0x\(UUID().uuidString.prefix(8))",
                           "-days", "30", "-extfile", "\(name).ext", "-out", "\(name).crt"], in: broker)
        let printed = try await Subprocess.run("openssl", ["x509", "-in", broker.pkiFile("\(name).crt"), "-noout", "-fingerprint", "-sha256"])
        let fingerprint = try #require(printed.text.split(separator: "=").last).trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: ":", with: "").lowercased()
        try broker.editConfiguration { document in
            var agencies = document["agencies"] as! [[String: Any]]
            for index in agencies.indices where agencies[index]["id"] as? String == agency {
                agencies[index]["certificates"] = (agencies[index]["certificates"] as! [[String: Any]]) + [["sha256": fingerprint]]
            }
            document["agencies"] = agencies
        }
        try await broker.server.reload()
        return fingerprint
    }

    @Test("a certificate the CA revokes is refused with 401 certificate-revoked once the list changes, and recorded; the agency's other certificate and other agencies keep working")
    func revokedCertificateRefused() async throws {
        try await withBroker { broker in
            let second = try await issueSecondCertificate(for: "northshire-hospitals", named: "hospital-second", in: broker)
            #expect(try await broker.curl("/v1/directory", as: "northshire-hospitals").status == 200)
            #expect(try await broker.curl("/v1/directory", as: "hospital-second").status == 200, "the second certificate is registered")

            // As the README says: revoke with openssl ca and publish the list where the configuration names it.
            try await openssl(["ca", "-config", "ca.cnf", "-revoke", "northshire-hospitals.crt"], in: broker)
            try await openssl(["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"], in: broker)

            let refused = try await eventually { try await broker.curl("/v1/directory", as: "northshire-hospitals").status == 401 }
            #expect(refused, "the broker reads the changed list without a signal")
            let answer = try await broker.curl("/v1/inbox", as: "northshire-hospitals")
            let problem = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
            #expect(problem?["code"] as? String == "certificate-revoked")
            #expect((problem?["detail"] as? String)?.contains("use another certificate of your agency") == true)
            #expect(try await broker.curl("/v1/directory", as: "hospital-second").status == 200, "the agency's other certificate works")
            #expect(try await broker.curl("/v1/directory", as: "northshire-csc").status == 200)

            let audit = try broker.client(as: "northshire-audit")
            let entries = try await audit.send("GET", "/v1/audit/entries?kind=certificate-revoked")
            let events = (entries.json?["entries"] as? [[String: Any]] ?? []).compactMap { $0["event"] as? [String: Any] }
            #expect(events.count >= 2, "each refused request is recorded")
            #expect(events.allSatisfy { $0["agency"] as? String == "northshire-hospitals" && $0["certificate"] as? String != second })
            #expect(Set(events.compactMap { $0["certificate"] as? String }).count == 1, "the revoked certificate's fingerprint")
        }
    }

    @Test("a list not signed by the client CA stops the start with its pointer; a list changed for the worse leaves the one in force")
    func untrustedListRefused() async throws {
        let broker = try TestBroker()
        defer { try? FileManager.default.removeItem(at: broker.folder) }
        try await openssl(["ca", "-config", "ca.cnf", "-revoke", "oakfield-primary.crt"], in: broker)
        try await openssl(["ca", "-config", "ca.cnf", "-gencrl", "-out", "crl.pem"], in: broker)
        try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "other-ca.key",
                           "-subj", "/CN=Another CA", "-days", "30", "-out", "other-ca.crt"], in: broker)
        let good = try Data(contentsOf: URL(fileURLWithPath: broker.pkiFile("crl.pem")))
        try await openssl(["ca", "-config", "ca.cnf", "-gencrl", "-keyfile", "other-ca.key", "-cert", "other-ca.crt", "-out", "crl.pem"], in: broker)
        await #expect { try await broker.start() } throws: { error in
            "\(error)".contains("/tls/crl") && "\(error)".contains("not in /tls/clientCA")
        }

        try good.write(to: URL(fileURLWithPath: broker.pkiFile("crl.pem")))
        try await broker.start()
        do {
            #expect(try await broker.curl("/v1/directory", as: "oakfield-primary").status == 401)
            try "not a list".write(toFile: broker.pkiFile("crl.pem"), atomically: true, encoding: .utf8)
            let logged = try await eventually { broker.logs.text.contains("The changed certificate revocation list was refused") }
            #expect(logged)
            #expect(try await broker.curl("/v1/directory", as: "oakfield-primary").status == 401, "the previous list stays in force")
            await #expect(throws: (any Error).self) { try await broker.server.reload() }
        } catch {
            try? await broker.stop()
            throw error
        }
        try await broker.stop()
    }
}
