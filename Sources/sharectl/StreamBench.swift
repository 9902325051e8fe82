import ArgumentParser
import Foundation
import ShareClient
import ShareLocking
import ShareModel

/// The fan-out benchmark: agencies subscribed to a type each hold a delivery stream open while
/// messages are published at a fixed rate; it measures publish-to-stream latency over every
/// delivery and the rate of deliveries streamed. Needs a demo made with
/// `sharebroker demo --bench-agencies N`. See BENCHMARKS.md.
struct StreamBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-stream",
        abstract: "Load-test delivery streams: N subscribed agencies streaming while messages are published at a rate.")

    @OptionGroup var target: BenchTargetOptions
    @Option(help: "The base URL the streaming agencies use (default: --url); another node of a cluster, to measure the path between nodes.") var consumerUrl: String?
    @Option(help: "Subscribed agencies, each with one open stream.") var agencies = 10
    @Option(help: "Messages to publish.") var messages = 5_000
    @Option(help: "Publishes per second in total.") var rate = 500
    @Option(help: "Concurrent publishing connections.") var publishers = 16
    @Option(help: "Payload size in bytes.") var payloadBytes = 1024
    @OptionGroup var cpu: BenchCPUOptions

    func run() async throws {
        let publisher = try target.connection(as: "northshire-hospitals")
        let prepared = try BenchEnvelope.signed(messages, payloadBytes: payloadBytes, by: try publisher.signer())
        let names = (1...agencies).map { String(format: "bench-social-care-%02d", $0) }
        let subscribers = try names.map { try target.client(try target.connection(as: $0, at: consumerUrl)) }
        let publishClients = try (0..<publishers).map { _ in try target.client(publisher) }
        for client in subscribers {
            _ = try await client.subscribe(types: ["relevant-history/1"], areas: ["E99999999"])
        }
        let state = StreamBenchState(expected: messages * agencies)
        let cpuBefore = cpu.read()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for subscriber in subscribers {
                let stream = try await subscriber.stream()
                group.addTask {
                    var seen = 0
                    for try await streamed in stream where state.received(streamed.delivery.messageId.lowercasedString) {
                        seen += 1
                        if seen == messages { break }
                    }
                }
            }
            let order = BenchState(total: messages)
            for publishClient in publishClients {
                group.addTask {
                    while let index = order.nextIndices(upTo: 1)?.lowerBound {
                        let due = started + .seconds(Double(index) / Double(rate))
                        if due > ContinuousClock.now { try await Task.sleep(until: due) }
                        state.sent(prepared[index].id)
                        _ = try await publishClient.publish(jws: prepared[index].jws)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let cpuAfter = cpu.read()
        for each in subscribers + publishClients {
            _ = try? await each.unsubscribeAll()
            try? await each.shutdown()
        }
        print(state.report(seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                           agencies: agencies, messages: messages, rate: rate))
        for line in cpuAfter.lines(since: cpuBefore, messages: messages, unit: "message published", rate: false) { print(line) }
    }
}

/// Publish times and stream arrival latencies of one fan-out run.
final class StreamBenchState: Sendable {
    private struct Counters {
        var sentAt: [String: ContinuousClock.Instant] = [:]
        var latencies: [Duration] = []
    }

    private let expected: Int
    private let counters = Locked(Counters())

    init(expected: Int) { self.expected = expected }

    func sent(_ id: String) { counters.withLock { $0.sentAt[id] = .now } }

    /// Records a delivery's latency; false for a delivery of an earlier run, which is not counted.
    func received(_ id: String) -> Bool {
        counters.withLock { counters in
            guard let sent = counters.sentAt[id] else { return false }
            counters.latencies.append(.now - sent)
            return true
        }
    }

    func report(seconds: Double, agencies: Int, messages: Int, rate: Int) -> String {
        counters.withLock { counters in
            let percentile = Latencies(counters.latencies).milliseconds
            return [
                "setup               \(agencies) subscribed agencies streaming, \(messages) messages at \(rate)/s",
                "stream deliveries   \(counters.latencies.count) of \(expected)",
                "elapsed             \(String(format: "%.2f", seconds)) s",
                "fan-out deliveries/s \(String(format: "%.0f", Double(counters.latencies.count) / seconds))",
                "publish→stream p50  \(String(format: "%.2f", percentile(0.50))) ms",
                "publish→stream p99  \(String(format: "%.2f", percentile(0.99))) ms",
            ].joined(separator: "\n")
        }
    }
}

extension ShareClient {
    /// Removes every subscription of the caller (benchmark clean-up).
    func unsubscribeAll() async throws {
        for subscription in try await subscriptions() { try await unsubscribe(subscription.id) }
    }
}
