import Foundation
import ShareTesting
import Testing

/// `sharectl scenario`: the flows of docs/domain.md played against a real demo partnership
/// by its agencies, as the README says to run them.
@Suite("Scenarios: the seven flows")
struct ScenarioTests {
    /// Each scenario with a line its transcript must hold beside the sends, receipts and audit entries.
    static let scenarios: [(name: String, shows: String)] = [
        ("unborn-baby-referral", "northshire-csc received relevant-history/1 from northshire-hospitals"),
        ("mash-enquiry", "northshire-mash sees 4 answers of 4"),
        ("domestic-abuse-notification", "oakfield-primary received domestic-abuse-notification/1 from northshire-police (attempt 1, due by "),
        ("unscheduled-care-attendance", "northshire-csc received flag-accessed/1 from the broker"),
        ("was-not-brought", "northshire-health-visiting received was-not-brought/1"),
        ("strategy-discussion", "oakfield-primary received strategy-discussion-outcome/1 from northshire-csc"),
        ("serious-incident-notification", "national-panel received serious-incident-notification/1 from northshire-csc"),
    ]

    /// Runs `sharectl scenario ARGUMENTS` against a new demo, and always stops the demo.
    func withDemo(_ body: (_ folder: URL, _ sharectl: String) async throws -> Void) async throws {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(["--data-dir", folder.path, "--port", "0"])
        defer { demo.process.stopFromTest() }
        try await body(folder, sharectl)
        #expect(try await demo.stop())
    }

    @Test("each scenario plays its flow over the real API: every message sent, received, checked, acknowledged and in the audit log",
          arguments: scenarios.map(\.name))
    func scenario(_ name: String) async throws {
        let shows = try #require(Self.scenarios.first { $0.name == name }?.shows)
        try await withDemo { folder, sharectl in
            let run = try await Subprocess.run(sharectl, ["scenario", name, "--demo-dir", folder.path])
            #expect(run.status == 0, "\(run.text)\(run.stderr)")
            #expect(run.text.contains("\(name): "), "the transcript names the flow")
            #expect(run.text.contains(shows), "\(run.text)")
            #expect(run.text.contains("audit log, "), "the transcript lists the audit entries")
            #expect(run.text.contains("✔ every step happened"))
            #expect(!run.text.contains("✘"))
        }
    }

    @Test("scenario all plays every flow in one run against one demo")
    func all() async throws {
        try await withDemo { folder, sharectl in
            let run = try await Subprocess.run(sharectl, ["scenario", "all", "--demo-dir", folder.path])
            #expect(run.status == 0, "\(run.text)\(run.stderr)")
            #expect(run.text.components(separatedBy: "✔ every step happened").count == Self.scenarios.count + 1)
        }
    }

    @Test("a step that does not happen fails the scenario with exit status 1 and says which; an unknown name is a usage error")
    func failures() async throws {
        try await withDemo { folder, sharectl in
            let closed = try await Subprocess.run(sharectl, ["scenario", "was-not-brought", "--demo-dir", folder.path, "--url", "https://127.0.0.1:9"])
            #expect(closed.status == 1)
            #expect(closed.text.contains("✘ northshire-hospitals could not publish was-not-brought/1"), "\(closed.text)")
            #expect(closed.stderr.contains("scenario was-not-brought did not complete"))

            let unknown = try await Subprocess.run(sharectl, ["scenario", "encompass", "--demo-dir", folder.path])
            #expect(unknown.status == 64)
            #expect(unknown.stderr.contains("There is no scenario 'encompass'; there are unborn-baby-referral, mash-enquiry"), "\(unknown.stderr)")
        }
    }
}
