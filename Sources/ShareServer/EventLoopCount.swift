import NIOCore

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

    /// The count for a machine of `coreCount` cores, or nil if `environment` names one (NIO reads it).
    static func suggestion(coreCount: Int, environment: [String: String]) -> Int? {
        guard environment[environmentVariable] == nil else { return nil }
        return max(1, coreCount / 2)
    }

    /// Sets the count of the process's shared event loops (which the HTTP server, the webhook
    /// client and the PostgreSQL connections use). Call once, first thing, before anything uses
    /// them: NIO stops the process if the count changes after they exist.
    public static func apply(environment: [String: String]) {
        if let count = suggestion(coreCount: System.coreCount, environment: environment) {
            NIOSingletons.groupLoopCountSuggestion = count
        }
    }
}
