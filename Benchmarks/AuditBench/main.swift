// The audit log benchmark of BENCHMARKS.md: fills a fresh SQLite store with fictional
// messages through the real store (group-committed publishes; each message adds a
// `published` and a `routed` entry), then measures rebuilding the Merkle tree, inclusion
// proofs and a subject report on it. Usage, from the repository root:
// audit-bench [ENTRIES] (default 1,000,000).
import Crypto
import Foundation
import Logging
import ShareAudit
import ShareBroker
import ShareCatalogue
import ShareModel
import ShareStore
import ShareStoreSQLite

let entries = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 1_000_000
let subjects = max(1, entries / 20)
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func line(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
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

// The broker needs a catalogue and a policy to exist; this benchmark publishes through the store only.
let catalogue = try MessageCatalogue.load(directory: URL(fileURLWithPath: "Schemas", isDirectory: true))
let policy = try SharingPolicy(parsing: Data("""
    {"types": {"relevant-history/1": {"senders": ["health"], "recipients": ["social-care"], "routing": ["direct"],
                                      "consent": ["not-required"]}}}
    """.utf8), knownTypes: Set(catalogue.messageTypes))
let broker = Broker(configuration: .init(), catalogue: catalogue, policy: policy, directory: try Directory(agencies: [auditor]), store: store,
                    clock: SystemClock(), logger: Logger(label: "audit-bench") { _ in SwiftLogNoOpLogHandler() },
                    noticeKey: try BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation),
                    auditSigningKey: try BrokerSigningKey(pem: P256.Signing.PrivateKey().pemRepresentation), subjectTokens: tokens)
let rebuildStart = ContinuousClock.now
let size = try await broker.auditLog.catchUp()
line(String(format: "tree rebuild    %.2f s for %d entries (once, at the first audit request after start)",
            seconds(ContinuousClock.now - rebuildStart), size))

var proofTimes: [Duration] = []
for _ in 0..<1000 {
    let index = Int.random(in: 0..<size)
    let start = ContinuousClock.now
    let proof = try await broker.auditLog.inclusionProof(index: index, treeSize: size)
    proofTimes.append(ContinuousClock.now - start)
    precondition(!proof.path.isEmpty)
}
proofTimes.sort()
line(String(format: "inclusion proof p50 %.3f ms, p99 %.3f ms (1,000 random leaves, tree of %d; without the HTTP request and its audit record)",
            seconds(proofTimes[500]) * 1000, seconds(proofTimes[990]) * 1000, size))

var reportTimes: [Duration] = []
var disclosures = 0
for _ in 0..<100 {
    let subject = nhsNumber(Int.random(in: 0..<subjects))
    let start = ContinuousClock.now
    let report = try await broker.subjectReport(AuditQuery(nhsNumber: subject), for: auditor)
    reportTimes.append(ContinuousClock.now - start)
    disclosures = report.disclosures.count
}
reportTimes.sort()
line(String(format: "subject report  p50 %.2f ms, p99 %.2f ms (100 random subjects, %d disclosures each, including the durable audit record of the query)",
            seconds(reportTimes[50]) * 1000, seconds(reportTimes[99]) * 1000, disclosures))
await store.close()
