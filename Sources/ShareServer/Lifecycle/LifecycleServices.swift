import Logging
import ServiceLifecycle
import ShareAudit
import ShareBroker
import ShareHTTP
import UnixSignals

/// Follows the changes other broker processes commit to a shared store (a cluster on
/// PostgreSQL), so that this process wakes its streams and rereads what it keeps in memory.
struct StoreChangesService: Service {
    let server: BrokerServer
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await server.broker.followStoreChanges {
                do {
                    try await server.reload(announcing: false)
                } catch {
                    logger.error("Configuration reload asked by another node refused; the previous configuration stays in force",
                                 metadata: ["share.reason": "\(error)"])
                }
            }
        }
        // A store no other process shares announces nothing; this service still runs until
        // the shutdown, as its group expects of every service.
        try? await gracefulShutdown()
    }
}

/// Keeps this node's delivery streams in the store's stream presence, so that a node sharing
/// the store hands out at publish for them (`Broker.keepStreamPresence`). It stops after the
/// API, once the streams have closed, and then withdraws the presence.
struct StreamPresenceService: Service {
    let broker: Broker

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await broker.keepStreamPresence()
        }
        await broker.withdrawStreamPresence()
    }
}

/// The HTTPS API, opened only once the audit log has been checked against the tree heads the
/// broker signed before, and the sharing policy in force is in the event record, so the record
/// shows which policy governed every decision made after it.
struct APIService<Application: Service>: Service {
    let broker: Broker
    let application: Application

    func run() async throws {
        await broker.checkAuditLogAtStart()
        try await broker.recordPolicyInForce()
        try await application.run()
    }
}

/// The first thing a shutdown does: refuse new work, end waiting inbox calls, and let the
/// requests in flight finish (at most `drainTimeout`, after which their connections are
/// closed under them) before the HTTP server closes connections.
struct StopAcceptingService: Service {
    let broker: Broker
    let inFlight: InFlightRequests
    let logger: Logger
    let drainTimeout: Duration = .seconds(10)

    func run() async throws {
        try? await gracefulShutdown()
        broker.beginShutdown()
        let unfinished = await inFlight.waitUntilIdle(timeout: drainTimeout)
        if unfinished > 0 {
            logger.warning("Requests still in flight after the shutdown's drain; their connections are closed under them",
                           metadata: [ShareLogKey.count: "\(unfinished)", "share.drain_seconds": "\(drainTimeout.components.seconds)"])
            inFlight.closeUnfinished()
        }
        // The last answers are handed to the connections; give them a moment to be written.
        try? await Task.sleep(for: .milliseconds(50))
    }
}

/// Reloads the configuration on SIGHUP. A file that does not load never replaces the one in force.
struct ReloadOnHangupService: Service {
    let server: BrokerServer
    let logger: Logger

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try await server.reload()
            } catch {
                logger.error("Configuration reload refused; the previous configuration stays in force",
                             metadata: ["share.reason": "\(error)"])
            }
        }
    }
}

/// Runs the broker's timers every `interval`: expiries, response deadlines and exhausted
/// deliveries, then the ends of retention periods, then uploads no message referenced in time.
/// They are found from stored state, so a
/// restart loses none of them.
struct TimerService: Service {
    let broker: Broker
    let interval: Duration
    let rounds: ServiceRounds
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            do {
                while try await broker.processDueWork() {}
                while try await broker.processRetention() {}
                while try await broker.removeUnreferencedAttachments() {}
            } catch {
                logger.error("Timer work failed; it is retried at the next interval", metadata: ["share.reason": "\(error)"])
            }
            rounds.complete()
        }
    }
}

/// Runs `body` now and then every `interval` until a graceful shutdown begins.
func repeatUntilShutdown(every interval: Duration, _ body: @escaping @Sendable () async -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            await body()
            try? await Task.sleep(for: interval)
        }
    }
}

/// Checks the stored audit log against the signed tree heads every `interval` (the first
/// check is made at start, before the API opens): a change made to the store behind the
/// broker's back while it runs is found within one interval.
struct AuditLogCheckService: Service {
    let broker: Broker
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await broker.verifyAuditLog()
            }
        }
    }
}

/// Extends the stored Merkle tree with the entries appended since, every `interval`, so that
/// the work of hashing and storing it comes in small steps beside the traffic rather than in
/// one burst per tree head (which, at 200 messages/s, held up deliveries by tens of
/// milliseconds every five seconds). A failure is retried at the next step; the signer reports it.
///
/// In a cluster every node follows, and two that catch up at once hash the same entries. A
/// node that finds most of what was new stored by another (`FollowStep.storedMostlyElsewhere`)
/// looks four times less often, so one node does most of the hashing; it takes the work back
/// as soon as it finds the tree not extended by anyone else (that node stopped, say). The wait
/// varies by a fifth either way, so that two nodes do not keep catching up in step.
struct TreeFollowerService: Service {
    let broker: Broker
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var wait = interval
                do {
                    if try await broker.auditLog.follow().storedMostlyElsewhere { wait = interval * 4 }
                } catch {
                    logger.debug("Audit tree catch-up failed; it is retried", metadata: ["share.reason": "\(error)"])
                }
                try? await Task.sleep(for: wait * Double.random(in: 0.8...1.2))
            }
        }
    }
}

/// Signs and keeps a tree head every `interval` while the log grows, and once more when the
/// broker stops, so the log is committed to even if no auditor asks.
struct TreeHeadSignerService: Service {
    let broker: Broker
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await repeatUntilShutdown(every: interval) { await signIfGrown() }
        await signIfGrown()
    }

    private func signIfGrown() async {
        do {
            if let head = try await broker.signTreeHeadIfGrown() {
                logger.debug("Tree head signed", metadata: [ShareLogKey.count: "\(head.treeSize)"])
            }
        } catch {
            logger.error("Tree head signing failed", metadata: ["share.reason": "\(error)"])
        }
    }
}
