import Foundation
import NIOCore
import ShareClient
import ShareTesting
import Testing

/// How many event loops `sharebroker` runs, as `ps -L` or `top -H` shows an operator its threads.
@Suite("sharebroker: one event loop for every two cores, or as many as NIO_SINGLETON_GROUP_LOOP_COUNT says")
struct EventLoopCountTests {
    @Test("a demo runs one event loop for every two cores (at least one) and still answers")
    func halfTheCores() async throws {
        let loops = try await eventLoopThreads(launcher: [])
        #expect(loops == max(1, System.coreCount / 2), "event loops on \(System.coreCount) cores")
    }

    @Test("NIO_SINGLETON_GROUP_LOOP_COUNT names the count")
    func countFromTheEnvironment() async throws {
        let loops = try await eventLoopThreads(launcher: ["env", "NIO_SINGLETON_GROUP_LOOP_COUNT=3"])
        #expect(loops == 3)
    }

    @Test("NIO_SINGLETON_GROUP_LOOP_COUNT that is not a whole number: the default count, and a warning in the log")
    func countThatIsNotANumber() async throws {
        var log = ""
        let loops = try await eventLoopThreads(launcher: ["env", "NIO_SINGLETON_GROUP_LOOP_COUNT=many"]) { log = $0 }
        #expect(loops == max(1, System.coreCount / 2), "event loops on \(System.coreCount) cores")
        #expect(log.contains("NIO_SINGLETON_GROUP_LOOP_COUNT is not a whole number"), "the demo's log: \(log)")
    }

    /// Starts a demo (run by `launcher`, which execs it in its own process), publishes a message
    /// through it so that its connections have been served, and counts its event loops' threads.
    /// `readLog` receives what the demo logged.
    private func eventLoopThreads(launcher: [String], readLog: (String) -> Void = { _ in }) async throws -> Int {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-loops-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(DemoProcess.arguments(dataDirectory: folder),
                                               launcher: launcher)
        defer { demo.process.stopFromTest() }
        let signer = try DemoProcess.signer(for: "northshire-hospitals", dataDirectory: folder)
        try await ShareClient.with(DemoProcess.clientConfiguration(as: "northshire-hospitals", dataDirectory: folder, port: demo.port)) { client in
            let envelope = EnvelopeBuilder()
            let answer = try await client.publish(jws: try signer.sign(envelope: envelope.data))
            #expect(answer.id.uuidString.lowercased() == envelope.id)
        }
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(demo.process.pid)/task")
        let names = tasks.compactMap { try? String(contentsOfFile: "/proc/\(demo.process.pid)/task/\($0)/comm", encoding: .utf8) }
        #expect(try await demo.stop())
        readLog(demo.log.text)
        return names.filter { $0.hasPrefix("NIO-SGLTN-") }.count
    }
}
