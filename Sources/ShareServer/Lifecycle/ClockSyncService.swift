import Foundation
import Logging
import ServiceLifecycle
import ShareBroker

/// Keeps a node's clock in step with the database server's, which every node of a cluster
/// follows: measured at start (before anything is served) and every `interval` after. A
/// node whose own clock is more than a second off is told so in the log; it keeps working
/// with the correction. When the database cannot be reached, the last correction stays.
struct ClockSyncService: Service {
    let clock: CorrectedClock
    let referenceTime: @Sendable () async throws -> Date
    let logger: Logger
    var interval: Duration = .seconds(10)

    func run() async throws {
        await repeatUntilShutdown(every: interval) {
            do {
                try await Self.synchronise(clock, with: referenceTime, logger: logger)
            } catch {
                logger.warning("Cannot read the database's clock; the last correction stays",
                               metadata: ["share.reason": "\(error)"])
            }
        }
    }

    /// Measures the offset to the reference once and applies it.
    static func synchronise(_ clock: CorrectedClock, with referenceTime: () async throws -> Date, logger: Logger) async throws {
        let sent = clock.baseNow()
        let reference = try await referenceTime()
        let offset = clock.correct(reference: reference, sent: sent, received: clock.baseNow())
        if abs(offset) > 1 {
            logger.warning("This node's clock differs from the database's; the broker follows the database's. Check the node's time synchronisation (NTP).",
                           metadata: ["share.offset_seconds": "\(String(format: "%.3f", offset))"])
        }
    }
}
