public import Logging
import NIOCore
import ShareBroker

/// How many event loops (the threads that read and write the connections: TLS and HTTP framing)
/// the broker runs: one for every two cores, at least one, unless the operator names a count.
///
/// The event loops do about a fifth of the broker's work a message; the rest runs on Swift's
/// task pool (a thread a core) and the store's writer. One loop a core, NIO's default, gave each
/// core two threads to switch between and more hand-overs between threads, for no work that the
/// loops could not keep up with (BENCHMARKS.md, "Half as many event loops").
public enum EventLoopCount {
    /// NIO's own variable, which names the count of its shared event loops; given, it wins.
    static let environmentVariable = "NIO_SINGLETON_GROUP_LOOP_COUNT"

    /// The count for a machine of `coreCount` cores, or nil if `environment` names one as a whole
    /// number (NIO reads it then; a value that is not one would make NIO run one loop a core).
    static func suggestion(coreCount: Int, environment: [String: String]) -> Int? {
        guard environment[environmentVariable].flatMap(Int.init) == nil else { return nil }
        return max(1, coreCount / 2)
    }

    /// Sets the count of the process's shared event loops (which the HTTP server, the webhook
    /// client and the PostgreSQL connections use), warning through `logger` if the variable is
    /// set but not a whole number. Call once, before anything uses them: NIO stops the process
    /// if the count changes after they exist.
    public static func apply(environment: [String: String], logger: Logger) {
        guard let count = suggestion(coreCount: System.coreCount, environment: environment) else { return }
        if let given = environment[environmentVariable] {
            logger.warning("\(environmentVariable) is not a whole number; running the default count of event loops",
                           metadata: ["share.value": "\(given)", ShareLogKey.count: "\(count)"])
        }
        NIOSingletons.groupLoopCountSuggestion = count
    }
}
