import Foundation
import ShareModel
import ShareStoreSQLite
import ShareTesting
import Testing

// MARK: - Envelopes

/// The demo's unborn-baby referral (DemoPartnership.example) with id and times filled in:
/// sent at `t0`, by `.hospitals` to `.csc`.
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

/// Runs the sqlite3 command-line tool on `path`; returns its exit status and what it printed.
func sqlite3(_ path: String, _ sql: String) async throws -> (status: Int32, output: String, error: String) {
    let result = try await Subprocess.run("/usr/bin/sqlite3", [path, sql])
    return (result.status, result.text, result.stderr)
}
