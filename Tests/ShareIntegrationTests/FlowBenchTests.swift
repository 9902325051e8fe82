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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flow-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(["--data-dir", folder.path, "--port", "0", "--bench-agencies", "4",
                                                "--schemas", RepositoryPaths.schemas.path])
        defer { demo.process.stopFromTest() }
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let run = try await Subprocess.run(sharectl, [
            "bench-flow", "--demo-dir", folder.path, "--url", "https://127.0.0.1:\(demo.port)", "--broker-pid", "\(demo.process.pid)",
            "--http1", "--messages", "203", "--ack-batch", "10",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.text.contains("203 published, 203 streamed, 203 acknowledged"), "\(run.text)")
        #expect(run.text.contains("per message"), "the broker's CPU per message: \(run.text)")
        let ratio = run.text.split(separator: "\n").first { $0.hasPrefix("broker CPU per load-generator CPU ") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
        #expect((ratio ?? 0) > 0, "the broker's CPU against the load generator's, the steadier figure: \(run.text)")

        // The broker's own record: one acknowledgement entry per message, each by a benchmark recipient.
        let pki = folder.appendingPathComponent("pki")
        let entries = try await Subprocess.run("curl", [
            "-sS", "--fail-with-body", "--cacert", pki.appendingPathComponent("ca.crt").path,
            "--cert", pki.appendingPathComponent("northshire-audit.crt").path, "--key", pki.appendingPathComponent("northshire-audit.key").path,
            "https://127.0.0.1:\(demo.port)/v1/audit/entries?kind=acknowledged&limit=1000",
        ])
        #expect(entries.status == 0, "\(entries.text)\(entries.stderr)")
        let answer = try JSONSerialization.jsonObject(with: entries.stdout) as? [String: Any]
        let acknowledgers = (answer?["entries"] as? [[String: Any]] ?? []).compactMap { ($0["event"] as? [String: Any])?["agency"] as? String }
        #expect(acknowledgers.count == 203)
        #expect(Set(acknowledgers) == Set((1...4).map { String(format: "bench-social-care-%02d", $0) }))
        #expect(try await demo.stop())
    }
}
