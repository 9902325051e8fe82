import Logging
import NIOCore
import ShareBroker
import ShareLocking

/// Decides, for each accepted connection, whether the broker takes it (`ConnectionCount`), counts
/// it until it closes, and writes the rate-limited warnings about refusals.
final class ConnectionGate: Sendable {
    private let count: Locked<ConnectionCount>
    private let logger: Logger

    init(_ settings: ConnectionSettings, logger: Logger) {
        count = Locked(ConnectionCount(maxOpen: settings.maxOpen, maxPerAddress: settings.maxPerAddress))
        self.logger = logger
    }

    /// Whether to take `channel`; a taken channel is counted until it closes.
    func admit(_ channel: any Channel) -> Bool {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let admission = count.withLock { $0.opened(from: address, at: .now) }
        switch admission {
        case .admitted:
            channel.closeFuture.whenComplete { _ in self.count.withLock { $0.closed(from: address) } }
            return true
        case .refused(let limit, let warn):
            if let refusals = warn {
                // share.count: refusals at this limit since its last warning, this one included.
                var metadata: Logger.Metadata = ["share.limit": "connections.\(limit.rawValue)", ShareLogKey.count: "\(refusals)"]
                if limit == .maxPerAddress { metadata["share.peer"] = "\(address)" }
                logger.warning("Connections refused: a connection limit is reached", metadata: metadata)
            }
            return false
        }
    }

    /// Connections closed since the last call.
    func takeClosed() -> Int {
        count.withLock { $0.takeClosed() }
    }
}
