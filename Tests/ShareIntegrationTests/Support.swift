import Foundation
import ShareClient
import ShareTesting
import Testing

/// Sets `settings` in the `audit` object of a broker's configuration file (`withBroker(configure:)`).
func setAudit(_ settings: [String: Any], in document: inout [String: Any]) {
    var audit = document["audit"] as! [String: Any]
    audit.merge(settings) { _, new in new }
    document["audit"] = audit
}

/// Runs `body` against a fresh broker and always stops it and removes its folder.
func withBroker(clock: TestClock = TestClock(), configure: (inout [String: Any]) -> Void = { _ in },
                _ body: (TestBroker) async throws -> Void) async throws {
    let broker = try await TestBroker.start(clock: clock, configure: configure)
    do {
        try await body(broker)
    } catch {
        try? await broker.stopAndRemove()
        throw error
    }
    try await broker.stopAndRemove()
}

extension TestBroker {
    /// Signs `envelope` as `agency` and posts it; returns the raw answer.
    func publishRaw(_ envelope: EnvelopeBuilder, as agency: String, signedBy signer: String? = nil) async throws -> ShareClient.RawResponse {
        let jws = try self.signer(for: signer ?? agency).sign(envelope: envelope.data)
        return try await postJWS(jws, as: agency)
    }

    /// Posts a body to /v1/messages as `agency`.
    func postJWS(_ jws: String, as agency: String, contentType: String = "application/jose") async throws -> ShareClient.RawResponse {
        try await client(as: agency).send("POST", "/v1/messages", body: Data(jws.utf8), contentType: contentType)
    }

    /// curl with this agency's certificate, returning status and body.
    func curl(_ path: String, as agency: String, _ extra: [String] = []) async throws -> (status: Int, body: String) {
        let result = try await Subprocess.run("curl", [
            "-sS", "--cacert", pkiFile("ca.crt"), "--cert", pkiFile("\(agency).crt"), "--key", pkiFile("\(agency).key"),
            "-w", "\n%{http_code}",
        ] + extra + ["https://127.0.0.1:\(port)\(path)"])
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}

extension ShareClient.RawResponse {
    /// The problem document of a refusal.
    var problem: Problem? { try? JSONDecoder().decode(Problem.self, from: body) }

    var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
}

/// A figure of a benchmark's report (`sharectl bench-flow`, Benchmarks/streams_bench.py): the
/// number that follows `label` at the start of a line.
func reportFigure(_ label: String, in report: String) -> Double? {
    guard let line = report.split(separator: "\n").first(where: { $0.hasPrefix(label) }) else { return nil }
    return line.dropFirst(label.count).split(separator: " ").first.flatMap { Double($0) }
}

/// Polls `condition` until it holds or `seconds` (stretched under a sanitizer) pass.
func eventually(within seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + TestLimits.scaled(.seconds(seconds))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}

/// The folder of this test target's fixtures and the repository root.
enum Paths {
    static let repository = RepositoryPaths.root
    static let joseInterop = repository.appendingPathComponent("Tests/interop/jose_interop.py").path
}

/// `/v1/audit/entries` as an auditor reads it.
struct AuditEntries: Decodable {
    struct Entry: Decodable {
        struct Event: Decodable {
            let kind: String
            let agency: String
            let messageID: String?
            let recipient: String?
            let recipients: [String]?
            let query: String?
            let subjects: [String]?
            let rule: String?
            let policyDigest: String?
            let subscriptionID: String?
            let disclosed: [String]?
            let withheld: [String]?
        }

        let index: Int
        let leaf: String
        let event: Event
    }

    let entries: [Entry]
}

extension TestBroker {
    /// GETs an audit route as the demo auditor and decodes the answer; anything but 200 fails.
    func auditGet<T: Decodable>(_ path: String) async throws -> T {
        let response = try await client(as: "northshire-audit").send("GET", path)
        try #require(response.status == 200, "\(path): \(String(decoding: response.body, as: UTF8.self))")
        return try JSONDecoder().decode(T.self, from: response.body)
    }
}

extension LogCapture {
    /// The lines logged at `error` or `critical`.
    var errorLines: [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix("error ") || $0.hasPrefix("critical ") }
    }
}

/// Runs `sql` with the sqlite3 shell on the store file at `path` (read-only with `readOnly`),
/// waiting up to ten seconds for a lock the running broker holds: by default the shell gives up
/// at once ("database is locked") if the broker is writing just then.
func sqlite3(_ path: String, _ sql: String, readOnly: Bool = false) async throws -> Subprocess.Result {
    try await Subprocess.run("sqlite3", (readOnly ? ["-readonly"] : []) + ["-cmd", ".timeout 10000", path, sql])
}
