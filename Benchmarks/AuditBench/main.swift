// The audit log benchmark of BENCHMARKS.md. Usage, from the repository root:
//
//   audit-bench [ENTRIES]     (default 1,000,000) fills a fresh SQLite store with fictional
//       messages through the real store (group-committed publishes; each message adds a
//       `published` and a `routed` entry), then measures filling the stored Merkle tree from
//       them (once, as after an upgrade), a new process's start check, the full check, and
//       inclusion proofs and subject reports, with the resident memory each adds;
//   audit-bench tree LEAVES [FOLDER]   stores the subtree blocks of a tree of LEAVES synthetic leaves
//       directly (no entries, so that 10^7 and more fit in minutes), then measures inclusion
//       and consistency proofs through the audit log at that size. With FOLDER (which must not
//       exist yet) the store is kept there instead of in a temporary folder removed at the end;
//   audit-bench proofs FOLDER   measures the proofs again over a tree kept by `tree`, so that
//       a tree that took long to store can be measured several times, when the machine is quiet.
import Crypto
import Foundation
import Logging
import ShareAudit
import ShareBroker
import ShareCatalogue
import ShareModel
import ShareStore
import ShareStoreSQLite

let arguments = Array(CommandLine.arguments.dropFirst())
let treeOnly = arguments.first == "tree"
let proofsOnly = arguments.first == "proofs"
let entries = arguments.dropFirst(treeOnly ? 1 : 0).first.flatMap(Int.init) ?? 1_000_000
let subjects = max(1, entries / 20)
let keptFolder = treeOnly ? arguments.dropFirst(2).first : proofsOnly ? arguments.dropFirst().first : nil
if proofsOnly && keptFolder == nil {
    FileHandle.standardError.write(Data("usage: audit-bench proofs FOLDER (a folder kept by 'audit-bench tree LEAVES FOLDER')\n".utf8))
    exit(64)
}
let folder = keptFolder.map { URL(fileURLWithPath: $0, isDirectory: true) }
    ?? FileManager.default.temporaryDirectory.appendingPathComponent("audit-bench-\(UUID().uuidString)")
if !proofsOnly {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: keptFolder == nil)
}
defer { if keptFolder == nil { try? FileManager.default.removeItem(at: folder) } }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func line(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// This process's resident memory in MiB (`VmRSS` of /proc/self/status).
func residentMiB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let kilobytes = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }?
        .split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
    return kilobytes / 1024
}

/// Runs `body`, printing its wall time and the resident memory it added.
func measure<T>(_ label: String, _ body: () async throws -> T) async rethrows -> T {
    let memory = residentMiB()
    let start = ContinuousClock.now
    let result = try await body()
    line(String(format: "%@ %.3f s, resident memory %+.1f MiB", label, seconds(ContinuousClock.now - start), residentMiB() - memory))
    return result
}

/// The machine's load average over 1, 5 and 15 minutes (/proc/loadavg).
func loadAverage() -> String {
    ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).joined(separator: " ")
}

/// p50 and p99 in milliseconds of `count` runs of `body`.
func percentiles(_ count: Int, _ body: () async throws -> Void) async rethrows -> (p50: Double, p99: Double) {
    var times: [Duration] = []
    for _ in 0..<count {
        let start = ContinuousClock.now
        try await body()
        times.append(ContinuousClock.now - start)
    }
    times.sort()
    return (seconds(times[count / 2]) * 1000, seconds(times[count * 99 / 100]) * 1000)
}

let store = try SQLiteStore(configuration: .init(path: folder.appendingPathComponent("bench.sqlite").path))
let tokens = try SubjectTokens(secret: Data(repeating: 7, count: 32))
let hospital = AgencyID("bench-hospital")!
let socialCare = AgencyID("bench-csc")!
let auditor = Agency(id: AgencyID("bench-audit")!, name: "Benchmark auditor", kind: .auditor, areas: ["E99999999"],
                     status: .active, certificateFingerprints: [], signingKeys: [])
let disclosure = Disclosure(
    purpose: "safeguarding-referral", lawfulBasis: "public-task", specialCategoryCondition: nil,
    consent: Consent(status: .notRequired, reason: "Benchmark (fictional)"),
    decidedBy: DecisionMaker(name: "Benchmark", role: "Load test"), decidedAt: Date(), rationale: "Benchmark")

/// The NHS-number-like identifier of subject `number` (fictional, 999 range).
func nhsNumber(_ number: Int) -> String {
    "999" + String(format: "%07d", number)
}

// The broker needs a catalogue and a policy to exist; this benchmark publishes through the store only.
let catalogue = try MessageCatalogue.load(directory: URL(fileURLWithPath: "Schemas", isDirectory: true))
let policy = try SharingPolicy(parsing: Data("""
    {"types": {"relevant-history/1": {"senders": ["health"], "recipients": ["social-care"], "routing": ["direct"],
                                      "consent": ["not-required"]}}}
    """.utf8), knownTypes: Set(catalogue.messageTypes))
let noticeKey = try BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation)
let auditKey = try BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation)

func makeBroker() throws -> Broker {
    Broker(configuration: .init(), catalogue: catalogue, policy: policy, directory: try Directory(agencies: [auditor]), store: store,
           clock: SystemClock(), logger: Logger(label: "audit-bench") { _ in SwiftLogNoOpLogHandler() },
           noticeKey: noticeKey, auditSigningKey: auditKey, subjectTokens: tokens)
}

if proofsOnly {
    line("== audit log benchmark (proofs over the stored tree in \(folder.path)), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Timestamp.format(Date())), load average \(loadAverage())")
    let broker = try makeBroker()
    let size = try await broker.auditLog.catchUp()
    try await proofs(broker, size: size)
} else if treeOnly {
    line("== audit log benchmark (stored tree only): \(entries) leaves, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Timestamp.format(Date()))")
    try await measure("store the subtree blocks") {
        var range = TreeEdge()
        while range.size < entries {
            var finished: [SubtreeBlock] = []
            for _ in 0..<min(65_536, entries - range.size) {
                finished += range.append(leafHash: MerkleHasher.leafHash(Array("leaf \(range.size)".utf8)))
            }
            try await store.saveSubtreeBlocks(finished + range.openBlocks)
        }
    }
    let broker = try makeBroker()
    let size = try await broker.auditLog.catchUp()
    try await proofs(broker, size: size)
} else {
    line("== audit log benchmark: \(entries) entries, \(subjects) subjects, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(Timestamp.format(Date()))")
    let messages = entries / 2
    let fillStart = ContinuousClock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<64 {
            group.addTask {
                var number = worker
                while number < messages {
                    let id = UUID()
                    let now = Date()
                    let subject = JSONValue.object(["nhsNumber": .string(nhsNumber(number % subjects))])
                    let published = EventRecord(kind: .published, at: now, agency: hospital, messageID: id,
                                                messageDigest: "bench", messageType: "relevant-history/1", area: "E99999999",
                                                disclosure: disclosure, subjects: tokens.tokens(of: subject))
                    let delivery = NewDelivery(id: UUID(), recipient: socialCare)
                    let routed = EventRecord(kind: .routed, at: now, agency: hospital, messageID: id, deliveryID: delivery.id,
                                             recipient: socialCare)
                    _ = try await store.publish(NewMessage(
                        id: id, sender: hospital, type: "relevant-history/1", area: "E99999999", digest: Data(id.uuidString.utf8),
                        jws: Data(repeating: 65, count: 200), receivedAt: now, expiresAt: nil, deliveries: [delivery],
                        events: [published, routed]))
                    number += 64
                }
            }
        }
        try await group.waitForAll()
    }
    line(String(format: "fill            %.1f s (%.0f entries/s through group-committed publishes)",
                seconds(ContinuousClock.now - fillStart), Double(messages * 2) / seconds(ContinuousClock.now - fillStart)))
    let broker = try makeBroker()
    let size = try await measure("fill the stored tree from every entry (once, at the first start after the upgrade)") {
        try await broker.auditLog.catchUp()
    }
    _ = try await broker.auditLog.signAndKeep(at: Date())
    let restarted = try makeBroker()
    try await measure("start check of a new process (stored tree against the latest signed head)") {
        let checked = try await restarted.auditLog.checkLatestHead()
        precondition(checked == .provisional(treeSize: size))
    }
    try await measure("full check (every entry re-hashed against the stored tree and the heads; in the background)") {
        let checked = try await restarted.auditLog.verify()
        precondition(checked == .consistent(treeSize: size, treeHeads: 1))
    }
    try await proofs(restarted, size: size)

    var disclosures = 0
    let reports = try await percentiles(100) {
        let subject = nhsNumber(Int.random(in: 0..<subjects))
        disclosures = try await restarted.subjectReport(AuditQuery(nhsNumber: subject), for: auditor).disclosures.count
    }
    line(String(format: "subject report  p50 %.2f ms, p99 %.2f ms (100 random subjects, %d disclosures each, including the durable audit record of the query)",
                reports.p50, reports.p99, disclosures))
}
await store.close()

/// Inclusion and consistency proofs of random leaves and sizes, as the audit routes ask for them.
func proofs(_ broker: Broker, size: Int) async throws {
    let inclusion = try await percentiles(1000) {
        let proof = try await broker.auditLog.inclusionProof(index: Int.random(in: 0..<size), treeSize: size)
        precondition(!proof.path.isEmpty)
    }
    line(String(format: "inclusion proof   p50 %.3f ms, p99 %.3f ms (1,000 random leaves, tree of %d; without the HTTP request and its audit record)",
                inclusion.p50, inclusion.p99, size))
    let consistency = try await percentiles(1000) {
        _ = try await broker.auditLog.consistencyProof(from: Int.random(in: 1...size), to: size)
    }
    line(String(format: "consistency proof p50 %.3f ms, p99 %.3f ms (1,000 random earlier sizes, to %d)", consistency.p50, consistency.p99, size))
}
