import Foundation
import ShareModel
import ShareStore
import ShareStoreSQLite
import Testing

extension AgencyID {
    static let hospitals = AgencyID("northshire-hospitals")!
    static let csc = AgencyID("northshire-csc")!
    static let police = AgencyID("northshire-police")!
}

/// A whole second, so times survive the store's milliseconds and RFC 3339 text unchanged.
let t0 = Date(timeIntervalSince1970: 1_795_339_860)  // 2026-11-22T09:31:00Z

// MARK: - Envelopes

/// The demo's unborn-baby referral (DemoPartnership.exampleReferral) with id and times filled in.
let exampleEnvelopeText = """
    {
      "id": "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11",
      "type": "unborn-baby-referral/1",
      "sender": "northshire-hospitals",
      "to": ["northshire-csc"],
      "area": "E99999999",
      "subject": {
        "unborn": true,
        "expectedDeliveryDate": "2027-02-14",
        "mother": {"nhsNumber": "9990001235", "name": "Jane Example", "dateOfBirth": "1999-05-02"}
      },
      "disclosure": {
        "purpose": "safeguarding-referral",
        "lawfulBasis": "public-task",
        "specialCategoryCondition": "safeguarding-of-children-and-individuals-at-risk",
        "consent": {"status": "not-sought", "reason": "Seeking consent could increase the risk to the unborn baby"},
        "decidedBy": {"name": "A. Midwife", "role": "Named Midwife for Safeguarding"},
        "decidedAt": "2026-11-22T09:30:00Z",
        "rationale": "Mother disclosed domestic abuse; history of severe postnatal depression."
      },
      "sentAt": "2026-11-22T09:31:00Z",
      "expiresAt": "2026-12-22T09:31:00Z",
      "payload": {"summary": "Pre-birth referral with relevant maternal health history (fictional example)."}
    }
    """

func exampleEnvelope() throws -> JSONValue {
    try JSONValue(parsing: Data(exampleEnvelopeText.utf8))
}

extension JSONValue {
    /// A copy with the member at `path` set to `value`, or removed when `value` is nil.
    func setting(_ path: [JSONKey], to value: JSONValue?) -> JSONValue {
        guard let key = path.first, case .object(var members) = self else { return self }
        if path.count == 1 {
            members[key] = value
        } else {
            members[key] = (members[key] ?? .object([:])).setting(Array(path.dropFirst()), to: value)
        }
        return .object(members)
    }
}

/// The problems `EnvelopeReader` finds; records an issue if it accepts the document.
func problems(in document: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) -> [ValidationProblem] {
    switch EnvelopeReader().read(document) {
    case .success:
        Issue.record("the envelope was accepted", sourceLocation: sourceLocation)
        return []
    case .failure(let failure):
        return failure.problems
    }
}

// MARK: - Store

/// A message as the broker would build it: `published` first, then one `routed` per recipient.
/// `digest` stands in for SHA-256 of the JWS; the store only compares it.
func newMessage(
    id: UUID = UUID(), sender: AgencyID = .hospitals, recipients: [AgencyID] = [.csc],
    jws: Data = Data("eyJhbGciOiJFUzI1NiJ9.e30.c2ln".utf8), digest: Data? = nil,
    receivedAt: Date = t0, expiresAt: Date? = nil
) -> NewMessage {
    let digest = digest ?? Data(jws.reversed().prefix(32))
    let deliveries = recipients.map { NewDelivery(id: UUID(), recipient: $0) }
    let published = EventRecord(kind: .published, at: receivedAt, agency: sender, messageID: id,
                                messageDigest: digest.base64EncodedString(), messageType: "unborn-baby-referral/1",
                                area: "E99999999")
    let routed = deliveries.map {
        EventRecord(kind: .routed, at: receivedAt, agency: sender, messageID: id, deliveryID: $0.id, recipient: $0.recipient)
    }
    return NewMessage(id: id, sender: sender, type: "unborn-baby-referral/1", area: "E99999999", digest: digest,
                      jws: jws, receivedAt: receivedAt, expiresAt: expiresAt, deliveries: deliveries,
                      events: [published] + routed)
}

/// A fresh folder under the temporary directory, removed by `removeTemporaryFolder`.
func makeTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sharebroker-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

func removeTemporaryFolder(_ folder: URL) {
    try? FileManager.default.removeItem(at: folder)
}

/// Runs `body` with a new store in a fresh folder, then closes the store and deletes the folder.
func withStore<T>(
    maxSizeBytes: Int? = nil, _ body: (SQLiteStore, String) async throws -> T
) async throws -> T {
    let folder = try makeTemporaryFolder()
    defer { removeTemporaryFolder(folder) }
    let path = folder.appendingPathComponent("broker.sqlite").path
    let store = try SQLiteStore(configuration: .init(path: path, maxSizeBytes: maxSizeBytes))
    do {
        let result = try await body(store, path)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}

extension PublishOutcome {
    /// The receipt when the message was newly stored; nil for a replay or a conflict.
    var storedReceipt: PublishReceipt? {
        if case .stored(let receipt) = self { return receipt }
        return nil
    }
}

/// The receipt of a publish that must be newly stored.
@discardableResult
func publishStored(_ message: NewMessage, to store: SQLiteStore, sourceLocation: SourceLocation = #_sourceLocation) async throws -> PublishReceipt {
    let outcome = try await store.publish(message)
    return try #require(outcome.storedReceipt, "expected .stored, got \(outcome)", sourceLocation: sourceLocation)
}

/// Every event in the record.
func allEvents(_ store: SQLiteStore) async throws -> [StoredEvent] {
    try await store.events(from: 0, limit: 100_000)
}

/// Runs the sqlite3 command-line tool on `path`; returns its exit status and what it printed.
func sqlite3(_ path: String, _ sql: String) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path, sql]
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}
