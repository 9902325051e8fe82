import Foundation
import Logging
import ServiceLifecycle
import ShareBroker

/// Puts the certificate revocation list in force: at start, on SIGHUP (through
/// `BrokerServer.reload`), and within `interval` of the file changing, so that an operator
/// who publishes a new list does not have to signal every node. A list that does not load
/// never replaces the one in force.
struct RevocationListWatcher: Service {
    let broker: Broker
    let path: String
    let clientCAPath: String
    let interval: Duration
    let logger: Logger

    /// What identifies a version of the file: its size, modification time and inode.
    struct Version: Equatable {
        let size: Int?
        let modified: Date?
        let inode: Int?

        init(path: String) {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            size = attributes?[.size] as? Int
            modified = attributes?[.modificationDate] as? Date
            inode = attributes?[.systemFileNumber] as? Int
        }
    }

    /// The list in `path`, `.none` if there is no file there. Throws `ConfigurationError` for a
    /// list that cannot be used.
    static func load(_ path: String, clientCAPath: String) throws -> RevokedCertificates {
        try RevocationListFile.load(path, clientCAPath: clientCAPath) ?? .none
    }

    /// Puts `list`, read from `path`, in force, and says so in the log (warning when it is past
    /// its next update).
    static func put(_ list: RevokedCertificates, from path: String, in broker: Broker, now: Date, logger: Logger) {
        broker.replaceRevocations(with: list)
        logger.notice("Certificate revocation list in force", metadata: [
            "share.path": "\(path)", ShareLogKey.count: "\(list.serialNumbers.count)",
        ])
        if list.isStale(at: now) {
            logger.warning("The certificate revocation list is past its next update; ask the CA for a new one (it is still enforced)",
                           metadata: ["share.path": "\(path)"])
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var seen = Version(path: path)
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let current = Version(path: path)
                guard current != seen else { continue }
                seen = current
                do {
                    Self.put(try Self.load(path, clientCAPath: clientCAPath), from: path, in: broker, now: Date(), logger: logger)
                } catch {
                    logger.error("The changed certificate revocation list was refused; the previous one stays in force",
                                 metadata: ["share.reason": "\(error)"])
                }
            }
        }
    }
}
