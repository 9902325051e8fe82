import Foundation
import ShareClient
import ShareTesting
import Testing

/// The order of the SQLite store's writes and syncs, as the kernel sees them (strace): what
/// makes a publish answered 201 survive a power cut, which a test cannot cut.
@Suite("SQLite store: a commit's frames are written before its sync")
struct CommitOrderTests {
    @Test("after publishes are answered, the write-ahead log's last operation is the fdatasync that follows its frames: nothing answered waits unsynced")
    func framesPrecedeTheirSync() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-order-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let trace = folder.appendingPathComponent("trace.txt")
        let demo = try await DemoProcess.start(
            DemoProcess.arguments(dataDirectory: folder.appendingPathComponent("demo")),
            launcher: ["strace", "-f", "-qq", "-y", "-s", "0", "-e", "trace=pwrite64,fdatasync", "-o", trace.path])
        // strace runs the broker as its child: the broker is killed below, strace then ends.
        let children = try String(contentsOfFile: "/proc/\(demo.process.pid)/task/\(demo.process.pid)/children", encoding: .utf8)
        let broker = try #require(children.split(separator: " ").first.flatMap { Int32($0) }, "strace's child, the broker")
        defer {
            kill(broker, SIGKILL)
            demo.process.stopFromTest()
        }

        let demoFolder = folder.appendingPathComponent("demo")
        let signer = try DemoProcess.signer(for: "northshire-hospitals", dataDirectory: demoFolder)
        try await ShareClient.with(DemoProcess.clientConfiguration(as: "northshire-hospitals", dataDirectory: demoFolder, port: demo.port)) { client in
            for _ in 0..<3 {
                let envelope = EnvelopeBuilder()
                let answer = try await client.publish(jws: try signer.sign(envelope: envelope.data))
                #expect(answer.id.uuidString.lowercased() == envelope.id)
            }
        }
        try await Task.sleep(for: .milliseconds(500))
        kill(broker, SIGKILL)
        _ = await demo.process.exited()

        // Each line: PID pwrite64(FD</path/broker.sqlite-wal>, ...) or PID fdatasync(FD<...-wal>)
        // (a call another thread interrupted is printed as "<unfinished ...>", still with its path).
        let operations = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").compactMap { line -> String? in
            guard line.contains("-wal>") else { return nil }
            return ["pwrite64", "fdatasync"].first { line.contains(" \($0)(") }
        }
        #expect(operations.filter { $0 == "fdatasync" }.count >= 3, "a sync of the log for each publish's commit: \(operations)")
        #expect(operations.suffix(2) == ["pwrite64", "fdatasync"],
                "the last frames written, then synced, before the answers: \(operations.suffix(6))")
    }
}
