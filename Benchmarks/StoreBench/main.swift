// The store benchmark of BENCHMARKS.md: the SQLite store's own cost per message, without
// HTTP, TLS, signatures or schemas. 32 tasks publish fictional messages (2.5 KB JWS-sized
// bodies, a `published` and a `routed` entry each) in batches of 10 through the real store;
// 8 tasks drain the recipient's inbox (100 at a time) and acknowledge what each fetch
// returned. Reports messages/s and messages per process CPU-second (user + system, from
// getrusage) over the timed window. Records are built before the clock starts. With
// `--sealed`, the store is wrapped in `SealingStore` under a fresh file key, so each body is
// sealed on publish and opened on fetch as the broker does with `payloadKeys` configured; it
// first reports the CPU of sealing and opening each body alone, on one task.
// Usage, from the repository root: store-bench [MESSAGES] [--sealed] (default 20,000).
import Foundation
import Synchronization
import ShareBroker
import ShareModel
import ShareStore
import ShareStoreSQLite
import ShareVault

let arguments = CommandLine.arguments.dropFirst()
let count = arguments.lazy.compactMap { Int($0) }.first ?? 20_000
let sealed = arguments.contains("--sealed")
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

/// The deliveries acknowledged so far, shared by the draining tasks.
final class Counter: Sendable {
    let value = Atomic(0)
}

func line(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let sqlite = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bench.sqlite").path))
let keys = try PayloadKeys(current: try FileKeyEncryptionKey(secret: Data((0..<32).map { _ in UInt8.random(in: 0...255) })))
let store: any Store = sealed ? SealingStore(sqlite, keys: keys) : sqlite
let tokens = try SubjectTokens(secret: Data(repeating: 7, count: 32))
let hospital = AgencyID("bench-hospital")!
let socialCare = AgencyID("bench-csc")!
let disclosure = Disclosure(
    purpose: "case-information", lawfulBasis: "public-task", specialCategoryCondition: nil,
    consent: Consent(status: .notRequired, reason: "Benchmark (fictional)"),
    decidedBy: DecisionMaker(name: "Benchmark", role: "Load test"), decidedAt: Date(), rationale: "Benchmark")
let subject = JSONValue.object(["nhsNumber": .string("9990001235"), "name": .string("Benchmark Example")])
let body = Data(repeating: 65, count: 2_500)

let messages: [NewMessage] = (0..<count).map { _ in
    let id = UUID.random()
    let now = Date()
    let delivery = NewDelivery(id: UUID.timeOrdered(at: now), recipient: socialCare)
    let published = EventRecord(kind: .published, at: now, agency: hospital, messageID: id,
                                messageDigest: String(repeating: "ab", count: 32), messageType: "relevant-history/1",
                                area: "E99999999", disclosure: disclosure, subjects: tokens.tokens(of: subject))
    let routed = EventRecord(kind: .routed, at: now, agency: hospital, messageID: id, deliveryID: delivery.id, recipient: socialCare)
    return NewMessage(id: id, sender: hospital, type: "relevant-history/1", area: "E99999999", digest: Data(repeating: 1, count: 32),
                      jws: body, receivedAt: now, expiresAt: now.addingTimeInterval(86_400), deliveries: [delivery],
                      events: [published, routed])
}

line("== store benchmark\(sealed ? " (bodies sealed)" : ""): \(count) messages, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Timestamp.format(Date()))")
if sealed {
    // Off the main actor, as the broker's handlers run: no executor hop per call.
    let sealCPU = try await Task.detached {
        let start = cpuSeconds()
        for message in messages {
            _ = try await keys.open(try await keys.seal(message.jws, messageID: message.id), messageID: message.id)
        }
        return cpuSeconds() - start
    }.value
    line(String(format: "seal and open   %.2f µs of CPU per message (%d bytes, one task)", sealCPU / Double(count) * 1e6, body.count))
}
let cpuStart = cpuSeconds()
let start = ContinuousClock.now
try await withThrowingTaskGroup(of: Int.self) { group in
    let batches = stride(from: 0, to: count, by: 10).map { Array(messages[$0..<min($0 + 10, count)]) }
    for publisher in 0..<32 {
        group.addTask {
            for batch in stride(from: publisher, to: batches.count, by: 32) {
                _ = try await store.publish(batches[batch])
            }
            return 0
        }
    }
    let acknowledged = Counter()
    for _ in 0..<8 {
        group.addTask {
            var mine = 0
            while acknowledged.value.load(ordering: .relaxed) < count {
                let deliveries = try await store.fetchInbox(for: socialCare, limit: 100, now: Date(), visibilityTimeout: 300, maxAttempts: 10)
                if deliveries.isEmpty {
                    try await Task.sleep(for: .milliseconds(1))
                    continue
                }
                let done = try await store.acknowledge(deliveries: deliveries.map(\.id), by: socialCare, at: Date())
                mine += done.count
                acknowledged.value.add(done.count, ordering: .relaxed)
            }
            return mine
        }
    }
    try await group.waitForAll()
}
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let cpu = cpuSeconds() - cpuStart
line(String(format: "elapsed         %.2f s (%.0f messages/s published, handed out and acknowledged)", seconds, Double(count) / seconds))
line(String(format: "process CPU     %.2f s (%.0f messages per CPU-second, %.1f µs per message)", cpu, Double(count) / cpu, cpu / Double(count) * 1e6))
await store.close()
