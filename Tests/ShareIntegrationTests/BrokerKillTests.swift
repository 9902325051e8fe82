import Foundation
import ShareClient
import ShareLocking
import ShareTesting
import Testing

/// The single-node broker on its SQLite store, killed outright while messages arrive.
@Suite("SQLite store: a broker killed while publishing")
struct BrokerKillTests {
    @Test("a broker killed with SIGKILL while four publishers send keeps every message it answered 201: after a restart each reaches its recipient once, and the audit log verifies")
    func killedWhilePublishing() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-kill-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments = DemoProcess.arguments(dataDirectory: folder)

        let first = try await DemoProcess.start(arguments)
        defer { first.process.stopFromTest() }
        let (broker, port) = (first.process, first.port)
        let killAfter = 80
        let accepted = Locked<[String]>([])
        let killed = Locked(false)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let signer = try DemoProcess.signer(for: "northshire-hospitals", dataDirectory: folder)
                    try await ShareClient.with(DemoProcess.clientConfiguration(as: "northshire-hospitals", dataDirectory: folder, port: port)) { client in
                        while true {
                            let envelope = EnvelopeBuilder()
                            let answer: PublishAnswer
                            do {
                                answer = try await client.publish(jws: try signer.sign(envelope: envelope.data))
                            } catch where killed.withLock({ $0 }) {
                                return
                            }
                            #expect(answer.id.uuidString.lowercased() == envelope.id)
                            let count = accepted.withLock { ids in
                                ids.append(envelope.id)
                                return ids.count
                            }
                            if count == killAfter {
                                killed.withLock { $0 = true }
                                broker.signal(SIGKILL)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(await first.process.exited() == 128 + SIGKILL, "killed, not stopped")
        let published = accepted.withLock { $0 }

        let second = try await DemoProcess.start(arguments)
        defer { second.process.stopFromTest() }
        let delivered = try await ShareClient.with(DemoProcess.clientConfiguration(as: "northshire-csc", dataDirectory: folder, port: second.port)) { socialCare in
            var delivered: [String] = []
            let deadline = ContinuousClock.now + .seconds(60)
            while !Set(published).isSubset(of: delivered), ContinuousClock.now < deadline {
                for delivery in try await socialCare.inbox(limit: 100, wait: 1) {
                    delivered.append(delivery.messageId.uuidString.lowercased())
                    #expect(try await socialCare.acknowledge(delivery: delivery.id).state == "acknowledged")
                }
            }
            return delivered
        }
        let missing = Set(published).subtracting(delivered)
        #expect(missing.isEmpty, "\(missing.count) of the \(published.count) messages answered 201 were lost")
        #expect(delivered.count == Set(delivered).count, "each was handed out and acknowledged once")

        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let verified = try await Subprocess.run(sharectl, [
            "audit", "verify", "--full", "--as", "northshire-audit", "--demo-dir", folder.path,
            "--url", "https://127.0.0.1:\(second.port)", "--state", folder.appendingPathComponent("audit-state.json").path,
        ])
        #expect(verified.status == 0, "the audit log verifies after the kill: \(verified.text)\(verified.stderr)")
        #expect(try await second.stop())
    }
}
