import ArgumentParser
import Foundation
import ShareClient
import ShareModel
import ShareLocking

/// The one-message-per-request benchmark of issue 16: publishing connections each send one
/// message per request, addressed in turn to one of N recipients; each recipient holds one
/// delivery stream open and acknowledges what it received in batches of up to 100. At a fixed
/// rate the load is open loop and latency runs from each message's intended send time; with
/// `--rate 0` it publishes as fast as it can. Needs a demo made with
/// `sharebroker demo --bench-agencies N`. See BENCHMARKS.md.
struct FlowBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-flow",
        abstract: "Load-test one message per request delivered by stream and acknowledged in batches; report rates, latency and broker CPU.")

    @OptionGroup var target: BenchTargetOptions
    @Option(help: "Publishing connections, one request at a time each.") var publishers = 4
    @Option(help: "Recipient agencies, each with one open stream; messages are addressed to them in turn.") var recipients = 4
    @Option(help: "Messages to publish.") var messages = 20_000
    @Option(help: "Payload size in bytes (2,000 makes a JWS of about 3.7 KB).") var payloadBytes = 2000
    @Option(help: "Publishes per second in total, open loop; 0 publishes as fast as possible.") var rate = 0
    @Option(help: "The most deliveries acknowledged in one request.") var ackBatch = 100
    @Option(help: "Milliseconds each recipient leaves between the starts of its acknowledgement requests; 0 acknowledges whatever has arrived as soon as the last request is answered.")
    var ackEvery = 0
    @Flag(help: "Acknowledge nothing: what the broker spends on acknowledgements, by difference. Deliveries are handed out again after the visibility timeout, so keep such a run shorter than it.")
    var noAck = false
    @OptionGroup var cpu: BenchCPUOptions

    func validate() throws {
        guard publishers >= 1, recipients >= 1, messages >= 1, ackBatch >= 1, rate >= 0, ackEvery >= 0 else {
            throw ValidationError("--publishers, --recipients, --messages and --ack-batch must be at least 1, and --rate and --ack-every at least 0.")
        }
    }

    func run() async throws {
        let publisher = try target.connection(as: "northshire-hospitals")
        let names = (1...recipients).map { String(format: "bench-social-care-%02d", $0) }
        let prepared = try BenchEnvelope.signed(messages, payloadBytes: payloadBytes, by: try publisher.signer(),
                                                to: { names[$0 % names.count] })
        let publishClients = try (0..<publishers).map { _ in try target.client(publisher) }
        let recipientClients = try names.map { try target.client(try target.connection(as: $0)) }
        for each in publishClients + recipientClients { _ = try await each.send("GET", "/health") }

        let state = FlowBenchState(total: messages)
        let order = BenchState(total: messages)
        let cpuBefore = cpu.read()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (number, recipient) in recipientClients.enumerated() {
                let stream = try await recipient.stream()
                let pending = AckQueue()
                let expected = messages / recipients + (number < messages % recipients ? 1 : 0)
                group.addTask {
                    var seen = 0
                    for try await streamed in stream {
                        state.received(streamed.delivery.messageId.lowercasedString)
                        if !noAck { pending.add(streamed.delivery.id) }
                        seen += 1
                        if seen == expected { break }
                    }
                    pending.finish()
                }
                group.addTask {
                    while let ids = await pending.next(upTo: ackBatch) {
                        let asked = ContinuousClock.now
                        _ = try await recipient.acknowledge(deliveries: ids)
                        state.acknowledged(ids.count)
                        if ackEvery > 0 { try await Task.sleep(until: asked + .milliseconds(ackEvery)) }
                    }
                }
            }
            for publishClient in publishClients {
                group.addTask {
                    while let index = order.nextIndices(upTo: 1)?.lowerBound {
                        var due = ContinuousClock.now
                        if rate > 0 {
                            due = started + .seconds(Double(index) / Double(rate))
                            if due > ContinuousClock.now { try await Task.sleep(until: due) }
                        }
                        state.sent(prepared[index].id, at: due)
                        _ = try await publishClient.publish(jws: prepared[index].jws)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - started
        let cpuAfter = cpu.read()
        for each in publishClients + recipientClients { try? await each.shutdown() }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(state.report(seconds: seconds, setup: "\(publishers) publishing connections, \(recipients) recipients streaming, \(noAck ? "no acknowledgements" : "acknowledgements in batches of up to \(ackBatch)\(ackEvery > 0 ? ", at most one request per \(ackEvery) ms" : "")"), \(payloadBytes)-byte payloads (JWS \(prepared[0].jws.utf8.count) bytes), rate \(rate == 0 ? "unlimited" : "\(rate)/s")"))
        for line in cpuAfter.lines(since: cpuBefore, messages: messages, unit: "message", rate: true) { print(line) }
    }
}

/// Delivery ids received on one stream and not yet acknowledged; the acknowledging task takes
/// them in batches as they come, so batches are large under load and small when it is light.
final class AckQueue: Sendable {
    private struct State {
        var ids: [UUID] = []
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Locked(State())

    func add(_ id: UUID) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.ids.append(id)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Up to `count` ids, waiting for one when there are none; nil once finished and empty.
    func next(upTo count: Int) async -> [UUID]? {
        while true {
            let taken = state.withLock { state -> [UUID]?? in
                if state.ids.isEmpty { return state.finished ? .some(nil) : nil }
                let batch = Array(state.ids.prefix(count))
                state.ids.removeFirst(batch.count)
                return batch
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.finished || !state.ids.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}

/// Intended send times, stream arrival latencies and acknowledgements of one run.
final class FlowBenchState: Sendable {
    private struct Counters {
        var sentAt: [String: ContinuousClock.Instant] = [:]
        var latencies: [Duration] = []
        var acknowledged = 0
        var acknowledgementRequests = 0
    }

    private let total: Int
    private let counters = Locked(Counters())

    init(total: Int) { self.total = total }

    func sent(_ id: String, at instant: ContinuousClock.Instant) { counters.withLock { $0.sentAt[id] = instant } }

    func received(_ id: String) {
        counters.withLock { counters in
            if let sent = counters.sentAt.removeValue(forKey: id) { counters.latencies.append(.now - sent) }
        }
    }

    /// One acknowledgement request of `count` deliveries answered.
    func acknowledged(_ count: Int) {
        counters.withLock { counters in
            counters.acknowledged += count
            counters.acknowledgementRequests += 1
        }
    }

    func report(seconds: Double, setup: String) -> String {
        counters.withLock { counters in
            let percentile = Latencies(counters.latencies).milliseconds
            return [
                "messages            \(total) published, \(counters.latencies.count) streamed, \(counters.acknowledged) acknowledged",
                "setup               \(setup)",
                "acknowledgement requests \(counters.acknowledgementRequests)\(counters.acknowledgementRequests > 0 ? String(format: " (%.1f deliveries each)", Double(counters.acknowledged) / Double(counters.acknowledgementRequests)) : "")",
                "elapsed             \(String(format: "%.2f", seconds)) s",
                "publishes/s         \(String(format: "%.0f", Double(total) / seconds))",
                "publish→stream p50  \(String(format: "%.2f", percentile(0.50))) ms",
                "publish→stream p99  \(String(format: "%.2f", percentile(0.99))) ms",
                "publish→stream max  \(String(format: "%.2f", percentile(1.0))) ms",
            ].joined(separator: "\n")
        }
    }
}
