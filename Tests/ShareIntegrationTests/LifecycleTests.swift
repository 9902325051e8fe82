import Foundation
import ShareBroker
import ShareClient
import ShareHTTP
import ShareServer
import ShareTesting
import Testing

@Suite("Lifecycle: shutdown, signals, the executables")
struct LifecycleTests {
    @Test("stopping ends waiting inbox calls and completes promptly")
    func gracefulShutdownEndsLongPolls() async throws {
        let broker = try await TestBroker.start()
        let socialCare = try broker.client(as: "northshire-csc")
        _ = try await socialCare.send("GET", "/v1/inbox")
        async let waited = socialCare.send("GET", "/v1/inbox?wait=30")
        #expect(try await eventually { broker.server.requestsInFlight.current == 1 }, "the long poll reached the broker")
        let started = ContinuousClock.now
        async let stopped: Void = broker.stopAndRemove()
        let answer = try await waited
        let answered = ContinuousClock.now - started
        try await stopped
        #expect(answer.status == 200 || answer.status == 503)
        #expect(answered < .seconds(5), "the broker answers the waiting call at once")
        #expect(!broker.logs.text.contains("Requests still in flight after the shutdown's drain"), "the long poll ended before the drain's limit")
        // After the answer, a stop waits for the client's HTTP/2 closing handshake (cut at 5 s).
        #expect(ContinuousClock.now - started < .seconds(20), "the 30 s long poll did not hold the shutdown")
    }

    // While the requests in flight drain, a new request is refused plainly rather than
    // half-served by a broker that is going away.
    @Test("a request that arrives while the broker drains is answered 503 shutting-down")
    func requestDuringShutdown() async throws {
        let (broker, upload) = try await brokerWithSlowUpload()
        async let stopped: Void = broker.stopAndRemove()
        #expect(try await eventually { broker.server.broker.isStopping })
        let late = try await RawConnection.open(to: broker, tlsAs: "northshire-csc")
        try await late.send("GET /v1/inbox HTTP/1.1\r\nHost: broker\r\n\r\n")
        #expect(try await late.receives("urn:sharebroker:problem:shutting-down", within: .seconds(5)))
        #expect(late.received.hasPrefix("HTTP/1.1 503"), "\(late.received.prefix(200))")
        await late.close()
        await upload.close()
        try await stopped
    }

    @Test("a request still unfinished after the drain's ten seconds is cut off, and the log says so")
    func drainLimit() async throws {
        let (broker, upload) = try await brokerWithSlowUpload()
        let stopping = ContinuousClock.now
        try await broker.stopAndRemove()
        #expect(ContinuousClock.now - stopping < .seconds(40), "not held until the upload's own deadline (60 s for a body)")
        let warning = broker.logs.text.split(separator: "\n").first { $0.contains("Requests still in flight after the shutdown's drain") }
        #expect(warning?.hasPrefix("warning ") == true, "\(broker.logs.text.suffix(2000))")
        #expect(warning?.contains("\"share.count\": 1") == true, "\(warning ?? "")")
        #expect(try await upload.closedByBroker(within: .seconds(10)), "the upload's connection is closed")
        await upload.close()
    }

    /// A broker with one publish in flight whose body never finishes arriving.
    private func brokerWithSlowUpload() async throws -> (TestBroker, RawConnection) {
        let broker = try await TestBroker.start()
        let upload = try await RawConnection.open(to: broker, tlsAs: "northshire-hospitals")
        try await upload.send("POST /v1/messages HTTP/1.1\r\nHost: broker\r\nContent-Type: application/jose\r\nContent-Length: 1000\r\n\r\neyJ")
        #expect(try await eventually { broker.server.requestsInFlight.current == 1 }, "the slow upload holds the drain open")
        return (broker, upload)
    }

    @Test("sharebroker serve: answers curl, reloads on SIGHUP, exits 0 on SIGTERM")
    func serveProcessSignals() async throws {
        let executable = try #require(Subprocess.productPath("sharebroker"), "build the sharebroker product first")
        let prepared = try TestBroker(configure: { document in
            document["listener"] = ["host": "127.0.0.1", "port": 0]
        })
        defer { try? FileManager.default.removeItem(at: prepared.folder) }
        let process = try ChildProcess(executable, ["serve", "--config", prepared.configurationFile.path], standardError: .capture)
        let log = try #require(process.standardError)
        defer { process.stopFromTest() }

        let port = try #require(try await eventually(within: 60) { log.port != nil } ? log.port : nil, "no 'listening' line: \(log.text)")
        let curl = { (agency: String) in
            try await Subprocess.run("curl", [
                "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", prepared.pkiFile("ca.crt"),
                "--cert", prepared.pkiFile("\(agency).crt"), "--key", prepared.pkiFile("\(agency).key"),
                "https://127.0.0.1:\(port)/v1/inbox",
            ]).text
        }
        #expect(try await curl("oakfield-primary") == "200")

        try prepared.setStatus(of: "oakfield-primary", to: "suspended")
        process.signal(SIGHUP)
        #expect(try await eventually { try await curl("oakfield-primary") == "403" }, "suspension applied by SIGHUP")

        try "{ broken".write(to: prepared.configurationFile, atomically: true, encoding: .utf8)
        process.signal(SIGHUP)
        #expect(try await eventually { log.text.contains("reload refused") }, "a bad file is reported")
        #expect(try await curl("oakfield-primary") == "403")
        #expect(try await curl("northshire-csc") == "200", "the previous configuration stays in force")

        process.signal(SIGTERM)
        #expect(try await eventually { !process.isRunning }, "exits promptly on SIGTERM")
        #expect(process.exitStatus == 0)
    }

    @Test("sharebroker demo creates its folder, serves, and reuses the folder on the next run")
    func demoCommand() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for run in ["created now", "reused"] {
            let demo = try await DemoProcess.start(["--data-dir", folder.path, "--port", "0"])
            defer { demo.process.stopFromTest() }
            #expect(demo.banner.text.contains(run))
            #expect(demo.banner.text.contains("curl --cacert"))
            let port = demo.port
            for file in ["ca.crt", "broker.crt", "broker.key", "northshire-csc.crt", "northshire-csc.key", "northshire-csc.signing.key"] {
                #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pki/\(file)").path))
            }
            let answer = try await Subprocess.run("curl", [
                "-sS", "--cacert", folder.appendingPathComponent("pki/ca.crt").path,
                "--cert", folder.appendingPathComponent("pki/northshire-csc.crt").path,
                "--key", folder.appendingPathComponent("pki/northshire-csc.key").path,
                "https://127.0.0.1:\(port)/v1/inbox",
            ])
            #expect(answer.text == #"{"deliveries":[]}"#)
            #expect(try await demo.stop())
        }
    }

    @Test("Certs/make-dev-pki.sh makes a CA, a broker certificate and agency certificates that openssl verifies")
    func devPKIScript() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pki-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = Paths.repository.appendingPathComponent("Certs/make-dev-pki.sh").path
        let made = try await Subprocess.run("bash", [script, folder.path])
        #expect(made.status == 0, "\(made.stderr)")
        let ca = folder.appendingPathComponent("ca.crt").path
        for name in ["broker"] + ["northshire-hospitals", "northshire-police", "northshire-csc", "northshire-mash",
                                  "oakfield-primary", "northshire-audit"] {
            let verified = try await Subprocess.run("openssl", ["verify", "-CAfile", ca, folder.appendingPathComponent("\(name).crt").path])
            #expect(verified.status == 0, "\(name): \(verified.text)")
        }
        let lifetime = try await Subprocess.run("openssl", [
            "x509", "-in", folder.appendingPathComponent("broker.crt").path, "-noout", "-checkend", "\(398 * 86400 + 3600)",
        ])
        #expect(lifetime.status == 1, "the broker's certificate expires within 398 days, as browsers require")
        let fingerprint = try await Subprocess.run("bash", ["-c", "openssl x509 -in '\(folder.path)/northshire-csc.crt' -outform DER | sha256sum | cut -d' ' -f1"])
        #expect(made.text.contains(fingerprint.text.trimmingCharacters(in: .whitespacesAndNewlines)), "the summary prints each fingerprint")
        let again = try await Subprocess.run("bash", [script, folder.path])
        #expect(again.status == 0)
        let unchanged = try await Subprocess.run("openssl", ["verify", "-CAfile", ca, folder.appendingPathComponent("broker.crt").path])
        #expect(unchanged.status == 0, "a second run leaves the PKI as it was")
    }
}

/// The ports a broker or demo prints as it starts.
extension CapturedOutput {
    /// The port from a "listening on 127.0.0.1:PORT" or "share.port=PORT" line.
    var port: Int? {
        let text = self.text
        for marker in ["share.port=", "listening on 127.0.0.1:"] {
            if let range = text.range(of: marker) {
                return Int(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
        return nil
    }

    var demoPort: Int? {
        guard let range = text.range(of: "https://127.0.0.1:") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}
