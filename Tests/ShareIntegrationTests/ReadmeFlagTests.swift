import Foundation
import ShareTesting
import Testing

/// Runs the commands of the README's "Child-protection flags" and "From unborn baby to child"
/// sections against the demo, as `ReadmeTryItTests` runs "Try it".
@Suite("README: Child-protection flags and birth links")
struct ReadmeFlagTests {
    /// Runs the `count` commands of the README section `heading` against a demo; each must succeed.
    private static func withRuns(ofSection heading: String, count: Int, _ check: ([ReadmeRun]) throws -> Void) async throws {
        let commands = try ReadmeCommand.commands(inSection: heading)
        try #require(commands.count == count)
        try await ReadmeRun.withDemo { folder, demo in
            let runs = try await ReadmeRun.run(commands, in: folder, port: demo.port)
            for run in runs {
                #expect(run.status == 0, "\(run.command.text)\n\(run.stderr)")
            }
            try check(runs)
        }
    }

    @Test("the commands of the README's Child-protection flags section work as written against the demo")
    func flagCommandsWork() async throws {
        try await Self.withRuns(ofSection: "Child-protection flags", count: 4) { runs in
            let id = try #require(runs[0].object["id"] as? String, "publish answer: \(runs[0].stdout) \(runs[0].stderr)")
            let flags = runs[1].object["flags"] as? [[String: Any]]
            #expect(flags?.map { $0["flag"] as? String } == [id], "\(runs[1].stdout)")
            #expect(runs[2].stdout.contains("flag-accessed/1"), "\(runs[2].stdout)")
            let accesses = runs[3].object["ofYourFlags"] as? [[String: Any]]
            #expect(accesses?.map { $0["queriedBy"] as? String } == ["northshire-hospitals"], "\(runs[3].stdout)")
        }
    }

    @Test("the commands of the README's From unborn baby to child section work as written against the demo")
    func birthLinkCommandsWork() async throws {
        try await Self.withRuns(ofSection: "From unborn baby to child", count: 3) { runs in
            let referral = try #require(runs[0].object["id"] as? String, "publish answer: \(runs[0].stdout) \(runs[0].stderr)")
            let link = try #require(runs[1].object["id"] as? String, "publish answer: \(runs[1].stdout) \(runs[1].stderr)")
            let disclosed = (runs[2].object["disclosures"] as? [[String: Any]])?.compactMap { $0["messageId"] as? String }
            #expect(disclosed == [referral, link], "\(runs[2].stdout)")
        }
    }
}
