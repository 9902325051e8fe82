import Foundation
import ShareTesting
import Testing

/// Runs the commands of the README's "Child-protection flags" and "From unborn baby to child"
/// sections against one demo, as `ReadmeTryItTests` runs "Try it".
@Suite("README: Child-protection flags and birth links")
struct ReadmeFlagTests {
    @Test("the commands of the README's Child-protection flags and From unborn baby to child sections work as written against the demo")
    func commandsWork() async throws {
        let flagCommands = try ReadmeCommand.commands(inSection: "Child-protection flags")
        let linkCommands = try ReadmeCommand.commands(inSection: "From unborn baby to child")
        try #require(flagCommands.count == 4 && linkCommands.count == 3)
        try await ReadmeRun.withDemo { folder, demo in
            let flagRuns = try await ReadmeRun.run(flagCommands, in: folder, port: demo.port)
            let linkRuns = try await ReadmeRun.run(linkCommands, in: folder, port: demo.port)
            for run in flagRuns + linkRuns {
                #expect(run.status == 0, "\(run.command.text)\n\(run.stderr)")
            }

            let id = try #require(flagRuns[0].object["id"] as? String, "publish answer: \(flagRuns[0].stdout) \(flagRuns[0].stderr)")
            let flags = flagRuns[1].object["flags"] as? [[String: Any]]
            #expect(flags?.map { $0["flag"] as? String } == [id], "\(flagRuns[1].stdout)")
            #expect(flagRuns[2].stdout.contains("flag-accessed/1"), "\(flagRuns[2].stdout)")
            let accesses = flagRuns[3].object["ofYourFlags"] as? [[String: Any]]
            #expect(accesses?.map { $0["queriedBy"] as? String } == ["northshire-hospitals"], "\(flagRuns[3].stdout)")

            let referral = try #require(linkRuns[0].object["id"] as? String, "publish answer: \(linkRuns[0].stdout) \(linkRuns[0].stderr)")
            let link = try #require(linkRuns[1].object["id"] as? String, "publish answer: \(linkRuns[1].stdout) \(linkRuns[1].stderr)")
            let disclosed = (linkRuns[2].object["disclosures"] as? [[String: Any]])?.compactMap { $0["messageId"] as? String }
            #expect(disclosed == [referral, link], "\(linkRuns[2].stdout)")
        }
    }
}
