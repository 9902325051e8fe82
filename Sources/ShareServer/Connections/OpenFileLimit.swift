import Foundation
import Logging
import ShareBroker

/// The process's limit on open files, which bounds the connections it can hold: past it a new
/// connection fails before `connections.maxOpen` can refuse it gracefully, and the store can
/// fail to open its files.
enum OpenFileLimit {
    /// Descriptors the broker needs besides incoming connections: the store and its journal,
    /// outbound webhook connections, standard streams.
    static let reserve = 64

    /// The soft limit on open files, if it can be read.
    static var current: Int? {
        var limit = rlimit()
        #if os(Linux)
        let status = getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #else
        let status = getrlimit(RLIMIT_NOFILE, &limit)
        #endif
        return status == 0 ? Int(clamping: limit.rlim_cur) : nil
    }

    /// Warns when the limit cannot hold `settings.maxOpen` connections and the reserve.
    static func warnIfTooLow(for settings: ConnectionSettings, logger: Logger) {
        guard let current, current < settings.maxOpen + reserve else { return }
        logger.warning("The open-file limit is too low for connections.maxOpen; raise it (LimitNOFILE) or lower connections.maxOpen",
                       metadata: [ShareLogKey.count: "\(current)", "share.limit": "\(settings.maxOpen)"])
    }
}
