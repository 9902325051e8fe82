import Foundation
import ShareClient
import ShareHTTP
import ShareServer
import ShareTesting
import Testing

@Suite("Identity: mutual TLS and the agency directory")
struct IdentityTests {
    @Test("without a client certificate the TLS handshake is refused")
    func noClientCertificate() async throws {
        try await withBroker { broker in
            let result = try await Subprocess.run("curl", [
                "-sS", "--cacert", broker.pkiFile("ca.crt"), "https://127.0.0.1:\(broker.port)/v1/directory",
            ])
            #expect(result.status != 0, "curl must fail: \(result.text)")
            #expect(result.text.isEmpty, "no HTTP answer at all")
        }
    }

    @Test("a certificate from another CA is refused at the handshake")
    func certificateFromAnotherCA() async throws {
        try await withBroker { broker in
            let other = try DevPKI(commonName: "Some Other CA")
            let impostor = try other.issueClient(agency: "northshire-hospitals")
            let folder = broker.folder.appendingPathComponent("impostor")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try impostor.certificatePEM.write(to: folder.appendingPathComponent("c.crt"), atomically: true, encoding: .utf8)
            try impostor.keyPEM.write(to: folder.appendingPathComponent("c.key"), atomically: true, encoding: .utf8)
            try await ShareClient.with(ShareClientConfiguration(
                baseURL: broker.baseURL, caFile: broker.pkiFile("ca.crt"),
                certificateFile: folder.appendingPathComponent("c.crt").path, keyFile: folder.appendingPathComponent("c.key").path)
            ) { client in
                await #expect(throws: ShareClientError.self) { _ = try await client.directory() }
                do {
                    _ = try await client.directory()
                } catch let error as ShareClientError {
                    #expect(error.status == nil, "no HTTP response is given to a certificate from another CA")
                }
            }
        }
    }

    @Test("each connection's certificate is read at its handshake, identifies every request on it (HTTP/1.1 and HTTP/2), and is forgotten when it closes")
    func certificateReadOncePerConnection() async throws {
        try await withBroker { broker in
            let recorded = broker.server.connectionCertificates
            let before = recorded.count
            async let stream = Subprocess.run("curl", [
                "-sS", "-N", "--max-time", "3", "--cacert", broker.pkiFile("ca.crt"),
                "--cert", broker.pkiFile("oakfield-primary.crt"), "--key", broker.pkiFile("oakfield-primary.key"),
                "https://127.0.0.1:\(broker.port)/v1/stream",
            ])
            #expect(try await eventually { recorded.count == before + 1 }, "the streaming connection is recorded while it is open")
            for http in ["--http1.1", "--http2"] {
                let answers = try await Subprocess.run("curl", [
                    "-sS", http, "--cacert", broker.pkiFile("ca.crt"),
                    "--cert", broker.pkiFile("northshire-hospitals.crt"), "--key", broker.pkiFile("northshire-hospitals.key"),
                    "-w", "%{http_code} %{num_connects}\n", "-o", "/dev/null", "-o", "/dev/null",
                    "https://127.0.0.1:\(broker.port)/v1/directory", "https://127.0.0.1:\(broker.port)/v1/inbox?limit=1",
                ])
                #expect(answers.text == "200 1\n200 0\n", "both requests answered on one \(http) connection: \(answers.text)")
            }
            _ = try await stream
            #expect(try await eventually { recorded.count == before }, "no certificate is kept for a closed connection")
        }
    }

    @Test("a valid certificate that belongs to no agency gets 401 unknown-agency")
    func unknownAgency() async throws {
        try await withBroker(configure: { document in
            document["agencies"] = (document["agencies"] as! [[String: Any]]).filter { $0["id"] as? String != "oakfield-primary" }
        }) { broker in
            let response = try await broker.client(as: "oakfield-primary").send("GET", "/v1/inbox")
            #expect(response.status == 401)
            #expect(response.problem?.code == "unknown-agency")
        }
    }

    @Test("suspending an agency by reload applies to its open connection at the next request, and is recorded")
    func suspensionAppliesToOpenConnections() async throws {
        try await withBroker { broker in
            let school = try broker.client(as: "oakfield-primary")
            #expect(try await school.send("GET", "/v1/inbox").status == 200)

            try broker.setStatus(of: "oakfield-primary", to: "suspended")
            try await broker.server.reload()
            let refused = try await school.send("GET", "/v1/inbox")
            #expect(refused.status == 403)
            #expect(refused.problem?.code == "agency-suspended")
            let publish = try await broker.publishRaw(EnvelopeBuilder(from: "oakfield-primary"), as: "oakfield-primary")
            #expect(publish.status == 403)

            try broker.setStatus(of: "oakfield-primary", to: "active")
            try await broker.server.reload()
            #expect(try await school.send("GET", "/v1/inbox").status == 200)

            let kinds = try await broker.eventKinds()
            #expect(kinds.suffix(2) == ["agency-suspended", "agency-reinstated"])
        }
    }

    @Test("a configuration file that does not load never replaces the one in force")
    func badReloadKeepsConfiguration() async throws {
        try await withBroker { broker in
            try "{ not json".write(to: broker.configurationFile, atomically: true, encoding: .utf8)
            await #expect(throws: ConfigurationError.self) { try await broker.server.reload() }
            #expect(try await broker.client(as: "northshire-csc").send("GET", "/v1/inbox").status == 200)
        }
    }

    @Test("HTTP/1.1 and HTTP/2 both identify the agency on every request")
    func http1AndHttp2() async throws {
        try await withBroker { broker in
            for version in ["--http1.1", "--http2"] {
                let answer = try await broker.curl("/v1/directory", as: "northshire-mash", [version])
                #expect(answer.status == 200, "\(version)")
                #expect(answer.body.contains("\"northshire-mash\""))
            }
            let versions = try await Subprocess.run("curl", [
                "-sS", "-o", "/dev/null", "-w", "%{http_version}", "--http2", "--cacert", broker.pkiFile("ca.crt"),
                "--cert", broker.pkiFile("northshire-mash.crt"), "--key", broker.pkiFile("northshire-mash.key"),
                "https://127.0.0.1:\(broker.port)/v1/directory",
            ])
            #expect(versions.text == "2")
        }
    }

    @Test("TLS 1.2 is refused unless the configuration allows it")
    func tls12OnlyWhenConfigured() async throws {
        try await withBroker { broker in
            let answer = try await broker.curl("/v1/directory", as: "northshire-csc", ["--tls-max", "1.2"])
            #expect(answer.status == 0, "no TLS 1.2 handshake by default")
        }
        try await withBroker(configure: { document in
            var tls = document["tls"] as! [String: Any]
            tls["minimumVersion"] = "1.2"
            document["tls"] = tls
        }) { broker in
            let answer = try await broker.curl("/v1/directory", as: "northshire-csc", ["--tls-max", "1.2"])
            #expect(answer.status == 200)
            let weak = try await broker.curl("/v1/directory", as: "northshire-csc", ["--tls-max", "1.2", "--ciphers", "AES128-SHA"])
            #expect(weak.status == 0, "non-ECDHE, non-AEAD suites are not offered")
        }
    }

    @Test("the directory lists every agency with its keys, as a JWKS too")
    func directory() async throws {
        try await withBroker { broker in
            let directory = try await broker.client(as: "northshire-audit").directory()
            #expect(directory.agencies.map(\.id).sorted() == DemoPartnership.members.map(\.id).sorted())
            let hospital = try #require(directory.agencies.first { $0.id == "northshire-hospitals" })
            #expect(hospital.kind == "health")
            #expect(hospital.keys.first?.kid == (try broker.signer(for: "northshire-hospitals").kid))
            let jwks = try await broker.client(as: "northshire-audit").send("GET", "/v1/directory/jwks")
            let keys = try #require(jwks.json?["keys"] as? [[String: Any]])
            #expect(keys.count == DemoPartnership.members.count + 2, "every agency's key, the broker's audit key and its notice key")
            #expect(directory.broker.auditKeys.count == 1)
            #expect(directory.broker.signingKeys.count == 1)
            let brokerKeys = directory.broker.auditKeys + directory.broker.signingKeys
            #expect(brokerKeys.allSatisfy { key in keys.contains { $0["kid"] as? String == key.kid } })
            #expect(Set(brokerKeys.compactMap(\.kid)).count == 2, "two different keys")
        }
    }
}

extension TestBroker {
    /// The kinds of every event recorded so far, in order, read from the store file with the sqlite3 tool.
    func eventKinds() async throws -> [String] {
        let result = try await sqlite3(folder.appendingPathComponent("broker.sqlite").path, "SELECT kind FROM events ORDER BY idx", readOnly: true)
        return result.text.split(separator: "\n").map(String.init)
    }
}
