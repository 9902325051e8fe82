import ArgumentParser
import Foundation
import ShareClient
import ShareLocking

/// The load benchmark: signed publishes from many mutual-TLS connections, drained through
/// the inbox with acknowledgements, measuring throughput, publish-to-inbox latency and the
/// broker's CPU per message. See BENCHMARKS.md.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load-test a demo broker: publish, drain and acknowledge; report rates, latency and broker CPU.")

    @OptionGroup var target: BenchTargetOptions
    @Option(help: "The base URL the consumers use (default: --url); another node of a cluster, to measure the path between nodes.") var consumerUrl: String?
    @Option(help: "Concurrent publishing connections.") var publishers = 32
    @Option(help: "Concurrent inbox consumers.") var consumers = 4
    @Option(help: "Messages to publish.") var messages = 20_000
    @Option(help: "Payload size in bytes.") var payloadBytes = 1024
    @Option(help: "Publishes per second in total; 0 publishes as fast as possible.") var rate = 0
    @Option(help: "Messages per publish request; above 1, each request is a batch publish (POST /v1/messages/batch).") var batch = 1
    @OptionGroup var cpu: BenchCPUOptions

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1.") }
    }

    func run() async throws {
        let publisherOptions = try target.connection(as: "northshire-hospitals")
        let consumerOptions = try target.connection(as: "northshire-csc", at: consumerUrl)
        let prepared = try BenchEnvelope.signed(messages, payloadBytes: payloadBytes, by: try publisherOptions.signer())
        let publishClients = try (0..<publishers).map { _ in try target.client(publisherOptions) }
        let consumerClients = try (0..<consumers).map { _ in try target.client(consumerOptions) }
        // Open every connection before measuring.
        for client in publishClients + consumerClients { _ = try await client.send("GET", "/health") }

        let state = BenchState(total: messages)
        let cpuBefore = cpu.read()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in publishClients {
                group.addTask {
                    while let indices = state.nextIndices(upTo: batch) {
                        if rate > 0 {
                            let due = started + .seconds(Double(indices.lowerBound) / Double(rate))
                            if due > ContinuousClock.now { try await Task.sleep(until: due) }
                        }
                        for index in indices { state.sent(prepared[index].id) }
                        if batch == 1 {
                            _ = try await client.publish(jws: prepared[indices.lowerBound].jws)
                        } else {
                            let answer = try await client.publish(batch: indices.map { prepared[$0].jws })
                            for result in answer.results { _ = try result.get() }
                        }
                        state.published(indices.count)
                    }
                }
            }
            for client in consumerClients {
                group.addTask {
                    while !state.allReceived {
                        let deliveries = try await client.inbox(limit: 100, wait: 1)
                        for delivery in deliveries {
                            state.received(delivery.messageId.uuidString.lowercased())
                        }
                        if !deliveries.isEmpty { _ = try await client.acknowledge(deliveries: deliveries.map(\.id)) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let cpuAfter = cpu.read()
        for client in publishClients + consumerClients { try? await client.shutdown() }

        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(state.report(seconds: seconds, publishers: publishers, consumers: consumers, payloadBytes: payloadBytes, rate: rate, batch: batch))
        for line in cpuAfter.lines(since: cpuBefore, messages: messages, unit: "message", rate: true) { print(line) }
    }
}

/// Shared counters and timings of one benchmark run.
final class BenchState: Sendable {
    private struct Counters {
        var next = 0
        var published = 0
        var received = 0
        var sentAt: [String: ContinuousClock.Instant] = [:]
        var latencies: [Duration] = []
    }

    private let total: Int
    private let counters = Locked(Counters())

    init(total: Int) { self.total = total }

    /// The indices of the next messages to publish, at most `count` of them.
    func nextIndices(upTo count: Int) -> Range<Int>? {
        counters.withLock { counters in
            guard counters.next < total else { return nil }
            let indices = counters.next..<min(counters.next + count, total)
            counters.next = indices.upperBound
            return indices
        }
    }

    func sent(_ id: String) { counters.withLock { $0.sentAt[id] = .now } }
    func published(_ count: Int) { counters.withLock { $0.published += count } }

    func received(_ id: String) {
        counters.withLock { counters in
            counters.received += 1
            if let sent = counters.sentAt.removeValue(forKey: id) { counters.latencies.append(.now - sent) }
        }
    }

    var allReceived: Bool { counters.withLock { $0.received >= total } }

    func report(seconds: Double, publishers: Int, consumers: Int, payloadBytes: Int, rate: Int, batch: Int) -> String {
        counters.withLock { counters in
            let percentile = Latencies(counters.latencies).milliseconds
            return [
                "messages            \(counters.published) published, \(counters.received) delivered and acknowledged",
                "setup               \(publishers) publishing connections, \(consumers) consumers, \(payloadBytes)-byte payloads, \(batch == 1 ? "one message" : "batches of \(batch)") per request, rate \(rate == 0 ? "unlimited" : "\(rate)/s")",
                "elapsed             \(String(format: "%.2f", seconds)) s",
                "publishes/s         \(String(format: "%.0f", Double(counters.published) / seconds))",
                "deliveries/s        \(String(format: "%.0f", Double(counters.received) / seconds))",
                "publish→inbox p50   \(String(format: "%.2f", percentile(0.50))) ms",
                "publish→inbox p99   \(String(format: "%.2f", percentile(0.99))) ms",
            ].joined(separator: "\n")
        }
    }
}

/// Latencies sorted once, for percentiles.
struct Latencies {
    private let sorted: [Duration]

    init(_ latencies: [Duration]) { sorted = latencies.sorted() }

    /// The `p` (0 to 1) percentile in milliseconds; 0 with no samples.
    func milliseconds(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        return Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1000
    }
}

/// A fictional benchmark envelope: a `relevant-history/1` from the demo hospital trust to
/// children's social care, valid against the catalogue, its `summary` carrying the padding.
enum BenchEnvelope {
    /// `count` envelopes with fresh ids and `payloadBytes` of padding, signed before any timing starts.
    /// The n-th message (from 0) is addressed to `recipient(n)`.
    static func signed(_ count: Int, payloadBytes: Int, by signer: MessageSigner,
                       to recipient: (Int) -> String = { _ in "northshire-csc" }) throws -> [(id: String, jws: String)] {
        FileHandle.standardError.write(Data("signing \(count) messages…\n".utf8))
        let padding = String(repeating: "x", count: payloadBytes)
        return try (0..<count).map { index in
            let id = UUID().uuidString.lowercased()
            return (id, try signer.sign(envelope: make(id: id, padding: padding, to: recipient(index))))
        }
    }

    static func make(id: String, padding: String, to recipient: String) -> Data {
        let now = Date()
        let format = Date.ISO8601FormatStyle(timeZone: .gmt)
        let envelope: [String: Any] = [
            "id": id, "type": "relevant-history/1", "sender": "northshire-hospitals", "to": [recipient],
            "area": "E99999999", "subject": ["nhsNumber": "9990001235", "name": "Benchmark Example"],
            "disclosure": [
                "purpose": "case-information", "lawfulBasis": "public-task",
                "consent": ["status": "not-required", "reason": "Benchmark traffic (fictional)"],
                "decidedBy": ["name": "Benchmark", "role": "Load test"], "decidedAt": now.formatted(format),
                "rationale": "Benchmark",
            ],
            "sentAt": now.formatted(format), "expiresAt": now.addingTimeInterval(86400).formatted(format),
            "payload": [
                "caseReference": "CSC-000123", "sourceSystem": "Benchmark",
                "entries": [["date": "2026-11-01", "category": "other", "narrative": "Benchmark entry (fictional)."]],
                "summary": padding,
            ],
        ]
        return (try? JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])) ?? Data()
    }
}
