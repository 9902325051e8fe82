public import Foundation
import Logging
import ServiceLifecycle
import ShareLocking
public import ShareClient
public import ShareServer

/// A real broker for tests: the demo partnership's PKI and configuration in a fresh folder,
/// real mutual TLS on 127.0.0.1 with an ephemeral port, a real SQLite store, a hand-moved clock.
/// Always `stop()` it.
public final class TestBroker: @unchecked Sendable {
    // @unchecked Sendable: started and stopped by the test that owns it, between awaits, never
    // concurrently; the clients it hands out, which concurrent tasks of a test ask for, are
    // kept under a lock.
    public let folder: URL
    public let configurationFile: URL
    public let clock: TestClock
    public let logs = LogCapture()
    public private(set) var server: BrokerServer!
    public private(set) var port = 0
    /// The metrics listener's port, when the configuration names one (`"metrics": {"port": 0}`).
    public private(set) var metricsPort: Int?
    private var group: ServiceGroup?
    private var running: Task<Void, any Error>?
    private let clients = Locked<[ShareClient]>([])
    private let ownsFolder: Bool

    /// Creates the folder and configuration; `configure` may edit the configuration document.
    public init(clock: TestClock = TestClock(), configure: (inout [String: Any]) -> Void = { _ in }) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sharebroker-test-\(UUID().uuidString)")
        configurationFile = try DemoPartnership.prepare(
            dataDirectory: folder, port: 0, schemas: RepositoryPaths.schemas).configuration
        self.clock = clock
        ownsFolder = true
        try editConfiguration(configure)
    }

    /// Another broker on `other`'s folder and configuration, with a clock of its own: another
    /// node of its cluster when the configuration names a PostgreSQL store. It leaves the
    /// folder to `other` to remove.
    public init(sharingFolderOf other: TestBroker, clock: TestClock = TestClock()) {
        folder = other.folder
        configurationFile = other.configurationFile
        self.clock = clock
        ownsFolder = false
    }

    /// Starts a broker and waits until it listens.
    public static func start(clock: TestClock = TestClock(), configure: (inout [String: Any]) -> Void = { _ in }) async throws -> TestBroker {
        let broker = try TestBroker(clock: clock, configure: configure)
        try await broker.start()
        return broker
    }

    /// Starts (or starts again, after `stop`) on a new ephemeral port with the same folder.
    public func start() async throws {
        let settings = try ServerSettings.load(from: configurationFile, environment: ["SHAREBROKER_PORT": "0"])
        server = try await BrokerServer(settings: settings, clock: clock, logger: logs.logger())
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let (metricsPorts, metricsContinuation) = AsyncStream<Int>.makeStream()
        let group = try server.serviceGroup(
            handleSignals: false, onReady: { port in continuation.yield(port) },
            onMetricsReady: { port in metricsContinuation.yield(port) })
        self.group = group
        running = Task { try await group.run() }
        guard let port = await Self.first(of: ports) else {
            throw TestBrokerError(reason: "the broker did not start listening within \(Self.startLimit)")
        }
        self.port = port
        metricsPort = nil
        if settings.metrics != nil {
            guard let metricsPort = await Self.first(of: metricsPorts) else {
                throw TestBrokerError(reason: "the metrics listener did not start within \(Self.startLimit)")
            }
            self.metricsPort = metricsPort
        }
    }

    /// How long a start, or a round of a repeating service, may take.
    private static let startLimit = TestLimits.scaled(.seconds(20))

    /// The first port `ports` yields, or nil after `startLimit`.
    private static func first(of ports: AsyncStream<Int>) async -> Int? {
        await withTaskGroup(of: Int?.self) { race in
            race.addTask { await ports.first { _ in true } }
            race.addTask {
                try? await Task.sleep(for: startLimit)
                return nil
            }
            let first = await race.next() ?? nil
            race.cancelAll()
            return first ?? nil
        }
    }

    /// Waits until the timers have run a whole round that began after this call, so that what
    /// they would do about the state now (and the clock now) has been done. Throws after `startLimit`.
    public func afterTimerRound() async throws {
        try await afterRound(of: server.timerRounds, "timer")
    }

    /// Waits until the webhook pusher has run a whole round that began after this call.
    public func afterWebhookRound() async throws {
        try await afterRound(of: server.webhookRounds, "webhook")
    }

    /// A round under way now may have read the state before the call: two more completions
    /// mean one began and ended after it.
    private func afterRound(of rounds: ServiceRounds, _ name: String) async throws {
        let target = rounds.completed + 2
        let deadline = ContinuousClock.now + Self.startLimit
        while rounds.completed < target {
            guard ContinuousClock.now < deadline else {
                throw TestBrokerError(reason: "no \(name) round completed within \(Self.startLimit)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Graceful shutdown, as on SIGTERM; returns when every service has stopped. The clients
    /// are closed even when a service failed (a client dropped open stops the whole test run),
    /// and then the failure is thrown.
    public func stop() async throws {
        await group?.triggerGracefulShutdown()
        var failure: (any Error)?
        do {
            try await running?.value
        } catch {
            failure = error
        }
        group = nil
        running = nil
        let open = clients.withLock { clients in
            defer { clients = [] }
            return clients
        }
        for client in open { try? await client.shutdown() }
        if let failure { throw failure }
    }

    /// Stops the broker and removes its folder (unless it shares another broker's).
    public func stopAndRemove() async throws {
        try await stop()
        if ownsFolder { try? FileManager.default.removeItem(at: folder) }
    }

    public var baseURL: URL { URL(string: "https://127.0.0.1:\(port)")! }

    /// The metrics listener's plain-HTTP address, such as `http://127.0.0.1:40123`; nil without one.
    public var metricsURL: URL? { metricsPort.map { URL(string: "http://127.0.0.1:\($0)")! } }

    /// A PKI file of the demo partnership, such as `ca.crt` or `northshire-csc.key`.
    public func pkiFile(_ name: String) -> String {
        folder.appendingPathComponent("pki/\(name)").path
    }

    /// A client acting as `agency` with its demo certificate; closed by `stop()`.
    public func client(as agency: String) throws -> ShareClient {
        let client = try ShareClient(configuration: ShareClientConfiguration(
            baseURL: baseURL, caFile: pkiFile("ca.crt"), certificateFile: pkiFile("\(agency).crt"),
            keyFile: pkiFile("\(agency).key")))
        clients.withLock { $0.append(client) }
        return client
    }

    /// The agency's message signer, with its demo signing key.
    public func signer(for agency: String) throws -> MessageSigner {
        try MessageSigner(keyFile: pkiFile("\(agency).signing.key"))
    }

    /// Rewrites the configuration file (the broker reads it at start and on reload).
    public func editConfiguration(_ edit: (inout [String: Any]) -> Void) throws {
        let data = try Data(contentsOf: configurationFile)
        var document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        edit(&document)
        try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            .write(to: configurationFile, options: .atomic)
    }

    /// Sets an agency's status in the configuration file.
    public func setStatus(of agency: String, to status: String) throws {
        try editConfiguration { document in
            var agencies = document["agencies"] as! [[String: Any]]
            for index in agencies.indices where agencies[index]["id"] as? String == agency {
                agencies[index]["status"] = status
            }
            document["agencies"] = agencies
        }
    }
}

public struct TestBrokerError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
