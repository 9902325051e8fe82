import Foundation
import ShareServer
import ShareTesting
import Testing

/// `sharectl bench-flow`, the load of BENCHMARKS.md's flow figures, run short against a demo
/// with benchmark agencies: what it reports is what the broker did.
@Suite("sharectl bench-flow")
struct FlowBenchTests {
    @Test("a short run publishes every message once, each recipient streams and acknowledges its share, and the broker's CPU is reported")
    func shortRun() async throws {
        try await Self.withFlow(["--messages", "203", "--ack-batch", "10"]) { run, agencies in
            #expect(run.text.contains("203 published, 203 streamed, 203 acknowledged"), "\(run.text)")
            #expect(run.text.contains("per message"), "the broker's CPU per message: \(run.text)")
            let ratio = reportFigure("broker CPU per load-generator CPU", in: run.text)
            #expect((ratio ?? 0) > 0, "the broker's CPU against the load generator's, the steadier figure: \(run.text)")
            let requests = reportFigure("acknowledgement requests", in: run.text).map { Int($0) }
            #expect((21...203).contains(requests ?? 0), "203 acknowledged in requests of at most 10: \(run.text)")

            // The broker's own record: one acknowledgement entry per message, each by a benchmark recipient.
            let acknowledgers = try await agencies("acknowledged")
            #expect(acknowledgers.count == 203)
            #expect(Set(acknowledgers) == Set((1...4).map { String(format: "bench-social-care-%02d", $0) }))
        }
    }

    @Test("--no-ack streams every message and acknowledges none, so what acknowledgements cost can be measured by difference")
    func withoutAcknowledgements() async throws {
        try await Self.withFlow(["--messages", "41", "--no-ack"]) { run, agencies in
            #expect(run.text.contains("41 published, 41 streamed, 0 acknowledged"), "\(run.text)")
            #expect(run.text.contains("no acknowledgements"), "the report says how it ran: \(run.text)")
            #expect(run.text.contains("acknowledgement requests 0\n"), "\(run.text)")
            let (delivered, acknowledged) = (try await agencies("delivered"), try await agencies("acknowledged"))
            #expect(delivered.count == 41, "every delivery handed out to a stream is recorded")
            #expect(acknowledged.isEmpty)
        }
    }

    @Test("--ack-every spaces out each recipient's acknowledgement requests, so batches grow and every delivery is still acknowledged")
    func pacedAcknowledgements() async throws {
        try await Self.withFlow(["--messages", "203", "--ack-every", "1000"]) { run, agencies in
            #expect(run.text.contains("203 published, 203 streamed, 203 acknowledged"), "\(run.text)")
            #expect(run.text.contains("at most one request per 1000 ms"), "the report says how it ran: \(run.text)")
            let requests = reportFigure("acknowledgement requests", in: run.text).map { Int($0) }
            // Unpaced, nearly every delivery is acknowledged in a request of its own.
            #expect((4...100).contains(requests ?? 0), "203 acknowledged in a few requests a second per recipient: \(run.text)")
            let acknowledgers = try await agencies("acknowledged")
            #expect(acknowledgers.count == 203, "the broker recorded every acknowledgement")
        }
    }

    /// Runs `sharectl bench-flow --http1 OPTIONS` against a fresh demo with four benchmark
    /// agencies, then `body` with its output and a reader of the demo's audit entries (the
    /// agency of each entry of a kind), and stops the demo.
    static func withFlow(_ options: [String],
                         _ body: (Subprocess.Result, (String) async throws -> [String]) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flow-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(["--data-dir", folder.path, "--port", "0", "--bench-agencies", "4",
                                                "--schemas", RepositoryPaths.schemas.path])
        defer { demo.process.stopFromTest() }
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let run = try await Subprocess.run(sharectl, [
            "bench-flow", "--demo-dir", folder.path, "--url", "https://127.0.0.1:\(demo.port)", "--broker-pid", "\(demo.process.pid)",
            "--http1",
        ] + options)
        #expect(run.status == 0, "\(run.stderr)")
        try await body(run) { try await agencies(recorded: $0, in: folder, port: demo.port) }
        #expect(try await demo.stop())
    }

    /// The agency of each audit entry of `kind`, as the demo's auditor reads them with curl.
    static func agencies(recorded kind: String, in folder: URL, port: Int) async throws -> [String] {
        let pki = folder.appendingPathComponent("pki")
        let entries = try await Subprocess.run("curl", [
            "-sS", "--fail-with-body", "--cacert", pki.appendingPathComponent("ca.crt").path,
            "--cert", pki.appendingPathComponent("northshire-audit.crt").path, "--key", pki.appendingPathComponent("northshire-audit.key").path,
            "https://127.0.0.1:\(port)/v1/audit/entries?kind=\(kind)&limit=1000",
        ])
        #expect(entries.status == 0, "\(entries.text)\(entries.stderr)")
        let answer = try JSONSerialization.jsonObject(with: entries.stdout) as? [String: Any]
        return (answer?["entries"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["agency"] as? String }
    }
}
