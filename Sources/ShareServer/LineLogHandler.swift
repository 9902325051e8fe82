#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import ShareLocking
public import Logging

/// Writes each log entry as one line, exactly as swift-log's `StreamLogHandler` does
/// (`2026-12-07T02:15:00+0000 info sharebroker: hb.request.id=7 share.agency=x [ShareBroker] Delivery stream opened`),
/// at less cost per request: metadata set on a logger is kept as given and written out only
/// with a line (`StreamLogHandler` formats all of it again at every change, and Hummingbird
/// and the identity check change it on every request), and the time is formatted once a second.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler for `label` that passes each line, newline included, to `write`.
    public init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
                write: @escaping @Sendable (String) -> Void = LineLogHandler.writeToStandardError) {
        self.label = label
        logLevel = level
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = LogTimestamp.shared.now()
        line += " \(event.level)"
        if !label.isEmpty { line += " \(label)" }
        line += ":"
        let entries = effectiveMetadata(event).sorted { $0.key < $1.key }
        for (key, value) in entries { line += " \(key)=\(value)" }
        line += " [\(event.source)] \(event.message)\n"
        write(line)
    }

    /// The logger's metadata, then the provider's, then the entry's own, then its error, each
    /// overriding the keys before it (as `StreamLogHandler` merges them).
    private func effectiveMetadata(_ event: LogEvent) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            merged.merge(explicit) { _, explicit in explicit }
        }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        return merged
    }

    /// Writes `line` to standard error in one `write` (more only if the kernel takes part of it).
    @Sendable public static func writeToStandardError(_ line: String) {
        var line = line
        line.withUTF8 { writeAll($0, to: STDERR_FILENO) }
    }
}

/// Writes all of `bytes` to `descriptor`, again after an interruption or a partial write; gives
/// up on an error (a log line has nowhere else to go).
private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) {
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written > 0 {
            offset += written
        } else if written < 0 && errno == EINTR {
            continue
        } else {
            return
        }
    }
}

/// Local time to the second as `StreamLogHandler` writes it (`%Y-%m-%dT%H:%M:%S%z`), formatted
/// once per second for all handlers.
private final class LogTimestamp: Sendable {
    static let shared = LogTimestamp()

    private let formatted = Locked<(second: time_t, text: String)>((-1, ""))

    func now() -> String {
        let second = time(nil)
        if let text = formatted.withLock({ $0.second == second ? $0.text : nil }) { return text }
        var seconds = second
        var local = tm()
        guard localtime_r(&seconds, &local) != nil else { return "<unknown>" }
        var buffer = [CChar](repeating: 0, count: 64)
        strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        formatted.withLock { $0 = (second, text) }
        return text
    }
}
