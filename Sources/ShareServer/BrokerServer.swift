import Foundation
import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle
public import ShareBroker
import UnixSignals
public import ShareHTTP
import ShareStore
import ShareVault

/// The composition root: opens the store, builds the broker and its HTTPS API, and runs them
/// as one `ServiceGroup` that shuts down in order (stop accepting, drain HTTP, close the store).
public final class BrokerServer: Sendable {
    public let settings: ServerSettings
    public let broker: Broker
    /// The requests being handled now.
    public let requestsInFlight = InFlightRequests()
    /// The client certificate of each open connection, recorded at its TLS handshake.
    public let connectionCertificates = ConnectionCertificates()
    private let store: any Store
    /// Keeps this node's clock in step with the database's, when the store is shared.
    private let clockSync: ClockSyncService?
    private let metrics = ServerMetrics()
    /// The rounds the timers have completed (expiries, deadlines, exhausted deliveries).
    public let timerRounds = ServiceRounds()
    /// The rounds the webhook pusher has completed.
    public let webhookRounds = ServiceRounds()
    /// The OpenAPI document served at `/v1/openapi.json`, read from the catalogue folder at start.
    private let apiDocument: Data?
    private let logger: Logger

    /// Opens the store and checks the TLS files; throws `ConfigurationError` or `StoreError`
    /// with a message that says what to fix.
    public init(settings: ServerSettings, clock: any BrokerClock = SystemClock(), logger: Logger) async throws {
        self.settings = settings
        self.logger = logger
        apiDocument = APIDocument.load(schemasPath: settings.schemasPath)
        if apiDocument == nil {
            logger.warning("No OpenAPI document in the catalogue folder; /v1/openapi.json answers 404",
                           metadata: ["share.file": "\(settings.schemasPath)/\(APIDocument.fileName)"])
        }
        let directory = try settings.directory()
        _ = try TLSFactory.serverConfiguration(settings)
        let revocations = try settings.crlPath.map { try RevocationListWatcher.load($0, clientCAPath: settings.clientCAPath) }
        metrics.recordCertificates(try CertificateExpiry.check(settings, now: clock.now(), logger: logger))
        let opened = try await settings.store.open(logger: logger)
        if let keys = settings.payloadKeys {
            store = SealingStore(opened.store, keys: keys)
        } else {
            store = opened.store
            logger.warning("Message bodies are stored in clear: give /payloadKeys in the configuration to encrypt them at rest")
        }
        var brokerClock = clock
        if let referenceTime = opened.referenceTime {
            let corrected = CorrectedClock(base: clock)
            do {
                try await ClockSyncService.synchronise(corrected, with: referenceTime, logger: logger)
            } catch {
                await store.close()
                throw StoreError(.cannotOpen, "Cannot read the database's clock, which every node follows: \(error)")
            }
            clockSync = ClockSyncService(clock: corrected, referenceTime: referenceTime, logger: logger)
            brokerClock = corrected
        } else {
            clockSync = nil
        }
        broker = Broker(configuration: settings.broker, catalogue: settings.catalogue, policy: settings.policy, directory: directory, store: store, clock: brokerClock, logger: logger,
                        noticeKey: settings.noticeSigningKey, auditSigningKey: settings.auditSigningKey,
                        subjectTokens: settings.subjectTokens, metrics: metrics.broker)
        if let path = settings.crlPath, let revocations {
            RevocationListWatcher.put(revocations, from: path, in: broker, now: clock.now(), logger: logger)
        }
    }

    /// The services of a running broker. `onReady` receives the bound port once it listens, and
    /// `onMetricsReady` the metrics listener's once that listens (if `settings.metrics` names one).
    /// With `handleSignals`, SIGTERM and SIGINT shut down gracefully and SIGHUP reloads.
    public func serviceGroup(handleSignals: Bool, onReady: @escaping @Sendable (Int) async -> Void = { _ in },
                             onMetricsReady: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> ServiceGroup {
        let gate = ConnectionGate(settings.connections, logger: logger)
        LargeAllocations.mapApart()
        let app = Application(
            router: BrokerRouter.make(broker: broker, inFlight: requestsInFlight, certificates: connectionCertificates, apiDocument: apiDocument),
            server: GuardedHTTPChannel.server(
                tls: try TLSFactory.serverConfiguration(settings), gate: gate, certificates: connectionCertificates, settings: settings.connections, logger: logger),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? 0) },
            logger: logger)
        var services: [any Service] = [
            store,
            StoreChangesService(server: self, logger: logger),
            StreamPresenceService(broker: broker),
            TreeFollowerService(broker: broker, interval: settings.treeCatchUpInterval, logger: logger),
            TreeHeadSignerService(broker: broker, interval: settings.treeHeadInterval, logger: logger),
            AuditLogCheckService(broker: broker, interval: settings.auditCheckInterval),
            TimerService(broker: broker, interval: settings.timerInterval, rounds: timerRounds, logger: logger),
            APIService(broker: broker, application: app),
            StopAcceptingService(broker: broker, inFlight: requestsInFlight, logger: logger),
            MemoryReleaseService(gate: gate, settle: settings.broker.streamHeartbeat + .seconds(5), logger: logger),
        ]
        if let clockSync {
            services.insert(clockSync, at: 2)
        }
        if let tls = settings.webhookTLS {
            services.insert(WebhookService(broker: broker, tls: tls, interval: settings.timerInterval, rounds: webhookRounds, logger: logger), at: 2)
        }
        if let listener = settings.metrics {
            // Second in the list, so it stops second to last: `/readyz` answers 503 while the
            // API drains, and the listener closes just before the store.
            services.insert(Application(
                router: MetricsRouter.make(broker: broker, metrics: metrics),
                configuration: .init(address: .hostname(listener.host, port: listener.port), serverName: nil),
                onServerRunning: { channel in await onMetricsReady(channel.localAddress?.port ?? 0) },
                logger: logger), at: 1)
        }
        if handleSignals {
            services.append(ReloadOnHangupService(server: self, logger: logger))
        }
        if let path = settings.crlPath {
            services.append(RevocationListWatcher(broker: broker, path: path, clientCAPath: settings.clientCAPath,
                                                  interval: .seconds(2), logger: logger))
        }
        return ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger))
    }

    /// Runs until SIGTERM or SIGINT.
    public func run(onReady: @escaping @Sendable (Int) async -> Void = { _ in },
                    onMetricsReady: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await serviceGroup(handleSignals: true, onReady: onReady, onMetricsReady: onMetricsReady).run()
    }

    /// Reads the configuration file again and applies its agency directory (suspensions,
    /// reinstatements, new agencies, keys and certificates), its sharing policy and the
    /// certificate revocation list's current content. Listener,
    /// TLS, store and catalogue settings take effect at the next start. With `announcing`, the
    /// other nodes sharing the store are told, and each reloads its own copy of the file.
    public func reload(announcing: Bool = true) async throws {
        guard let file = settings.configurationFile else { return }
        let fresh = try ServerSettings.load(from: file)
        let revocations = try settings.crlPath.map { try RevocationListWatcher.load($0, clientCAPath: settings.clientCAPath) }
        try await broker.replaceDirectory(with: try fresh.directory())
        try await broker.replacePolicy(with: fresh.policy)
        if let path = settings.crlPath, let revocations {
            RevocationListWatcher.put(revocations, from: path, in: broker, now: Date(), logger: logger)
        }
        logger.notice("Configuration reloaded", metadata: [ShareLogKey.count: "\(fresh.agencies.count)"])
        if announcing {
            try await broker.announceConfigurationReloaded()
        }
    }
}
