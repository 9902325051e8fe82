public import Logging
import ShareLocking

/// Keeps every log line (message and metadata) so tests can check what the broker writes.
public final class LogCapture: Sendable {
    private let lines = Locked<[String]>([])

    public init() {}

    /// Everything logged so far, one string per line with its metadata.
    public var text: String { lines.withLock { $0.joined(separator: "\n") } }

    public func logger(label: String = "sharebroker-test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(merged)")
        }
    }
}
