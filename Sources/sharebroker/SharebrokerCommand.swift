import ArgumentParser
import Foundation
import Logging
import ShareServer

@main
struct SharebrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharebroker",
        abstract: "The safeguarding information-sharing broker.",
        subcommands: [Serve.self, Demo.self, Rewrap.self])
}

/// Sets the process up before anything runs: the count of event loops (`EventLoopCount`), and
/// logs to standard error at the level in SHAREBROKER_LOG_LEVEL (default info).
func bootstrap() -> Logger {
    let environment = ProcessInfo.processInfo.environment
    let level = environment["SHAREBROKER_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    LoggingSystem.bootstrap { label in LineLogHandler(label: label, level: level) }
    let logger = Logger(label: "sharebroker")
    EventLoopCount.apply(environment: environment, logger: logger)
    return logger
}

/// Prints a failure to start as one line a person can act on, and exits 1.
func failStartup(_ error: any Error) -> ExitCode {
    FileHandle.standardError.write(Data("sharebroker: \(error)\n".utf8))
    return ExitCode.failure
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a configured broker until SIGTERM or SIGINT; SIGHUP reloads the agency directory.")

    @Option(name: .long, help: "The configuration file (JSON).")
    var config: String

    func run() async throws {
        let logger = bootstrap()
        let server: BrokerServer
        do {
            let settings = try ServerSettings.load(from: URL(fileURLWithPath: config))
            server = try await BrokerServer(settings: settings, logger: logger)
        } catch {
            throw failStartup(error)
        }
        try await server.run(onReady: { port in
            logger.notice("Broker listening", metadata: ["share.port": "\(port)"])
        }, onMetricsReady: { port in
            logger.notice("Metrics and health listening (plain HTTP)", metadata: ["share.port": "\(port)"])
        })
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create (first run) or reuse a development partnership in a folder, and serve it on 127.0.0.1.")

    @Option(name: .long, help: "The folder for the demo's certificates, keys, configuration and store.")
    var dataDir: String = "./demo-data"

    @Option(name: .long, help: "The port to listen on (0: a free one); written into the folder's configuration, where sharectl --as reads it.")
    var port: Int = 8443

    @Option(name: .long, help: "Serve /metrics, /livez and /readyz over plain HTTP on 127.0.0.1 at this port (0: a free one).")
    var metricsPort: Int?

    @Option(name: .long, help: "The message catalogue folder (used when the folder is first created).")
    var schemas: String = "./Schemas"

    @Option(name: .long, help: "Extra social care agencies for the stream benchmark (used when the folder is first created).")
    var benchAgencies: Int = 0

    @Option(name: .long, help: ArgumentHelp(
        "Keep the state in this PostgreSQL database (postgres://user@host:port/db) instead of the folder's SQLite file.",
        discussion: "Several demos on one --data-dir with different --port values and the same --postgres are the nodes of one cluster. The password, if any, comes from SHAREBROKER_POSTGRES_PASSWORD; TLS to the database is off for a server on 127.0.0.1 or localhost and verify-full otherwise (SHAREBROKER_POSTGRES_TLS overrides)."))
    var postgres: String?

    func run() async throws {
        let logger = bootstrap()
        let folder = URL(fileURLWithPath: dataDir).standardizedFileURL
        let server: BrokerServer
        let created: Bool
        let configuration: URL
        let browserBundle: URL?
        do {
            let prepared = try DemoPartnership.prepare(
                dataDirectory: folder, port: port, schemas: URL(fileURLWithPath: schemas, isDirectory: true),
                benchmarkAgencies: benchAgencies)
            created = prepared.created
            configuration = prepared.configuration
            browserBundle = AuditorBrowserBundle.ensure(pki: folder.appendingPathComponent("pki"))
            var environment = ProcessInfo.processInfo.environment
            environment["SHAREBROKER_PORT"] = environment["SHAREBROKER_PORT"] ?? String(port)
            if let postgres {
                environment["SHAREBROKER_POSTGRES_URL"] = postgres
                let host = URLComponents(string: postgres)?.host ?? ""
                if ["127.0.0.1", "localhost", "::1"].contains(host) {
                    environment["SHAREBROKER_POSTGRES_TLS"] = environment["SHAREBROKER_POSTGRES_TLS"] ?? "disable"
                }
            }
            var settings = try ServerSettings.load(from: prepared.configuration, environment: environment)
            if let metricsPort {
                guard (0...65535).contains(metricsPort) else { throw ValidationError("--metrics-port must be from 0 to 65535.") }
                settings.metrics = MetricsListener(port: metricsPort)
            }
            server = try await BrokerServer(settings: settings, logger: logger)
        } catch {
            throw failStartup(error)
        }
        let (metricsPorts, metricsReady) = AsyncStream<Int>.makeStream()
        let metricsWanted = metricsPort != nil
        try await server.run(onReady: { port in
            do {
                try DemoPartnership.recordListeningPort(port, in: configuration)
            } catch {
                FileHandle.standardError.write(Data("sharebroker: cannot write port \(port) into \(configuration.path) (\(error)); give sharectl --url https://127.0.0.1:\(port)\n".utf8))
            }
            let metricsPort = metricsWanted ? await metricsPorts.first { _ in true } : nil
            FileHandle.standardOutput.write(Data(DemoBanner.text(
                folder: folder.path, port: port, metricsPort: metricsPort, created: created, browserBundle: browserBundle).utf8))
        }, onMetricsReady: { port in metricsReady.yield(port) })
    }
}
