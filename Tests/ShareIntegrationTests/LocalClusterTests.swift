import Foundation
import ShareClient
import ShareLocking
import ShareStorePostgres
import ShareTesting
import Testing

/// `Deploy/local-cluster` as an operator runs it: PostgreSQL, two `sharebroker` nodes and
/// HAProxy in TCP pass-through, each a process of its own; and a node lost mid-way.
@Suite("Deploy/local-cluster: two nodes behind HAProxy")
struct LocalClusterTests {
    /// The addresses `Deploy/local-cluster start` prints.
    struct Cluster: Sendable {
        let folder: URL
        let node1: URL
        let node2: URL
        let haproxy: URL

        var pki: URL { folder.appendingPathComponent("partnership/pki") }

        func configuration(as agency: String, urls: [URL]) -> ShareClientConfiguration {
            ShareClientConfiguration(
                urls: urls, caFile: pki.appendingPathComponent("ca.crt").path,
                certificateFile: pki.appendingPathComponent("\(agency).crt").path,
                keyFile: pki.appendingPathComponent("\(agency).key").path)
        }

        func signer(for agency: String) throws -> MessageSigner {
            try MessageSigner(keyFile: pki.appendingPathComponent("\(agency).signing.key").path)
        }

        /// The process id of a node, from the file the script keeps.
        func pid(ofNode node: Int) throws -> Int32 {
            let text = try String(contentsOf: folder.appendingPathComponent("node\(node).pid"), encoding: .utf8)
            return try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
    }

    static let script = Paths.repository.appendingPathComponent("Deploy/local-cluster").path

    /// Starts the local cluster in a new folder, runs `body`, and always stops it and removes the folder.
    func withLocalCluster(_ body: (Cluster) async throws -> Void) async throws {
        let sharebroker = try #require(Subprocess.productPath("sharebroker"), "build the sharebroker product first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("local-cluster-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let started = try await Subprocess.run(Self.script, ["start", folder.path], environment: [
            "SHAREBROKER": sharebroker, "SCHEMAS": RepositoryPaths.schemas.path,
        ])
        do {
            try #require(started.status == 0, "local-cluster start failed: \(started.text)\(started.stderr)")
            let address = { (name: String) throws -> URL in
                let line = try #require(started.text.split(separator: "\n").first { $0.hasPrefix("\(name):") })
                let address = try #require(line.dropFirst(name.count + 1).split(separator: " ").first)
                return try #require(URL(string: String(address)))
            }
            try await body(Cluster(folder: folder, node1: try address("node1"), node2: try address("node2"),
                                   haproxy: try address("haproxy")))
        } catch {
            _ = try? await Subprocess.run(Self.script, ["stop", folder.path])
            throw error
        }
        let stopped = try await Subprocess.run(Self.script, ["stop", folder.path])
        #expect(stopped.status == 0, "\(stopped.stderr)")
    }

    @Test("four publishers on both nodes keep publishing while one node is killed: every message answered 201 is delivered once, and the audit log verifies")
    func nodeKilledWhilePublishing() async throws {
        try await withLocalCluster { cluster in
            // Two publishers try node 1 first, two node 2.
            let routes = [[cluster.node1, cluster.node2], [cluster.node2, cluster.node1]]
            let perPublisher = 40
            let accepted = Accepted()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for publisher in 0..<4 {
                    group.addTask {
                        let signer = try cluster.signer(for: "northshire-hospitals")
                        try await ShareClient.with(cluster.configuration(as: "northshire-hospitals", urls: routes[publisher % 2])) { client in
                            for _ in 0..<perPublisher {
                                let envelope = EnvelopeBuilder()
                                let answer = try await client.publish(jws: try signer.sign(envelope: envelope.data))
                                #expect(answer.id.uuidString.lowercased() == envelope.id)
                                if accepted.add(envelope.id) == perPublisher {
                                    kill(try cluster.pid(ofNode: 1), SIGKILL)
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let published = accepted.ids
            #expect(published.count == 4 * perPublisher, "every publish was answered 201, on one node or the other")
            let nodeOne = try await Subprocess.run("curl", ["-sS", "-o", "/dev/null", "--cacert", cluster.pki.appendingPathComponent("ca.crt").path,
                                                            cluster.node1.absoluteString + "/health"])
            #expect(nodeOne.status == 7, "node 1 was killed part-way: nothing listens there (curl: \(nodeOne.stderr))")

            // Through HAProxy, which stops sending connections to the dead node.
            let delivered = try await ShareClient.with(cluster.configuration(as: "northshire-csc", urls: [cluster.haproxy])) { socialCare in
                var delivered: [String] = []
                let deadline = ContinuousClock.now + .seconds(60)
                while Set(delivered).count < Set(published).count, ContinuousClock.now < deadline {
                    for delivery in try await socialCare.inbox(limit: 100, wait: 1) {
                        delivered.append(delivery.messageId.uuidString.lowercased())
                        let acknowledgement = try await socialCare.acknowledge(delivery: delivery.id)
                        #expect(acknowledgement.state == "acknowledged")
                    }
                }
                return delivered
            }
            #expect(Set(delivered) == Set(published), "every message answered 201 reached its recipient")
            #expect(delivered.count == Set(delivered).count, "each was handed out and acknowledged once")

            let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
            let verified = try await Subprocess.run(sharectl, [
                "audit", "verify", "--full", "--as", "northshire-audit", "--demo-dir", cluster.folder.appendingPathComponent("partnership").path,
                "--url", cluster.haproxy.absoluteString, "--state", cluster.folder.appendingPathComponent("audit-state.json").path,
            ])
            #expect(verified.status == 0, "the one audit log verifies: \(verified.text)\(verified.stderr)")
        }
    }

    @Test("sharebroker demo --postgres: two demos on one folder and one database are nodes of one partnership, as the README says")
    func demoNodesOnOneDatabase() async throws {
        let database = try await TestPostgres.createDatabase()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            let arguments = ["--data-dir", folder.path, "--port", "0", "--postgres", database.url]
            let first = try await DemoProcess.start(arguments)
            defer { first.process.stopFromTest() }
            let second = try await DemoProcess.start(arguments)
            defer { second.process.stopFromTest() }
            #expect(first.banner.text.contains("(created now)"))
            #expect(second.banner.text.contains("(reused)"), "the second reuses the folder")
            let envelope = EnvelopeBuilder()
            let signer = try DemoProcess.signer(for: "northshire-hospitals", dataDirectory: folder)
            try await ShareClient.with(DemoProcess.clientConfiguration(as: "northshire-hospitals", dataDirectory: folder, port: first.port)) { hospital in
                _ = try await hospital.publish(jws: try signer.sign(envelope: envelope.data))
            }
            let delivered = try await ShareClient.with(DemoProcess.clientConfiguration(as: "northshire-csc", dataDirectory: folder, port: second.port)) { socialCare in
                try await socialCare.inbox().map { $0.messageId.uuidString.lowercased() }
            }
            #expect(delivered == [envelope.id], "published on one demo, delivered by the other")
            for node in [first, second] {
                let warnings = node.log.text.split(separator: "\n").filter { $0.contains(" warning ") }
                #expect(warnings.isEmpty, "a node starts and serves without a warning: \(warnings)")
            }
            #expect(try await first.stop())
            #expect(try await second.stop())
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}

/// The ids of the messages answered 201, from several publishers at once.
private final class Accepted: Sendable {
    private let list = Locked<[String]>([])

    /// Adds one; answers how many there are now.
    func add(_ id: String) -> Int {
        list.withLock { ids in
            ids.append(id)
            return ids.count
        }
    }

    var ids: [String] { list.withLock { $0 } }
}
