import Foundation
import Logging
import ShareLocking
import ShareServer
import Testing

/// The broker's log handler writes what swift-log's `StreamLogHandler` writes, line for line.
@Suite("Log lines")
struct LineLogHandlerTests {
    /// Lines written, by either handler.
    final class Lines: Sendable {
        private let lines = Locked<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// `StreamLogHandler`'s output stream, into `Lines`.
    struct Stream: TextOutputStream, Sendable {
        let lines: Lines
        mutating func write(_ string: String) { lines.append(string) }
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String { "the store is read-only" }
    }

    /// Logs the same entries through a logger made by `factory`.
    func entries(_ factory: @escaping @Sendable (String) -> any LogHandler) {
        var logger = Logger(label: "sharebroker", factory: factory)
        logger.logLevel = .info
        logger.debug("Not written below the level")
        logger.info("Nothing set")
        logger[metadataKey: "hb.request.id"] = "7"
        logger[metadataKey: "share.agency"] = "northshire-csc"
        logger.info("Delivery stream opened")
        logger.notice("Deliveries handed out", metadata: ["share.count": "3", "share.agency": "northshire-police"])
        // A nested dictionary of one key: one of several keys prints in each instance's own order.
        logger.warning("Stream presence not shared", metadata: ["share.reason": ["list": ["1", "2"]]])
        logger.error("Store failed", error: Refusal())
        logger[metadataKey: "share.agency"] = nil
        logger.info("Agency removed", metadata: [:])
    }

    @Test("each entry is the line StreamLogHandler writes, after the same time stamp format")
    func sameLinesAsStreamLogHandler() throws {
        let theirs = Lines(), ours = Lines()
        let provider = Logger.MetadataProvider { ["share.node": "a"] }
        entries { StreamLogHandler(label: $0, stream: Stream(lines: theirs), metadataProvider: provider) }
        entries { LineLogHandler(label: $0, level: .trace, metadataProvider: provider, write: ours.append) }
        #expect(ours.all.count == 6 && theirs.all.count == 6)
        let withoutTime = { (line: String) in String(line.drop { $0 != " " }) }
        #expect(ours.all.map(withoutTime) == theirs.all.map(withoutTime))
        for line in ours.all {
            #expect(line.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} [a-z]+ sharebroker: .*\n/) != nil, "\(line)")
        }
        let stamp = try #require(ours.all.first.map { String($0.prefix { $0 != " " }) })
        let format = DateFormatter()
        format.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        let written = try #require(format.date(from: stamp))
        #expect(abs(written.timeIntervalSinceNow) < 5, "the local time now, to the second")
    }

    @Test("without a provider or a label, as StreamLogHandler writes them too")
    func noProviderNoLabel() {
        let theirs = Lines(), ours = Lines()
        entries { _ in StreamLogHandler(label: "", stream: Stream(lines: theirs), metadataProvider: nil) }
        entries { _ in LineLogHandler(label: "", level: .trace, metadataProvider: nil, write: ours.append) }
        let withoutTime = { (line: String) in String(line.drop { $0 != " " }) }
        #expect(ours.all.map(withoutTime) == theirs.all.map(withoutTime))
        #expect(ours.all.first.map(withoutTime) == " info: [ShareIntegrationTests] Nothing set\n")
    }
}
