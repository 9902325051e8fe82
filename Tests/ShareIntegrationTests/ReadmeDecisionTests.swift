import Foundation
import ShareTesting
import Testing

/// Runs the commands of the README's "Decisions not to share" section against the demo, as
/// `ReadmeTryItTests` runs "Try it" (the same substitutions apply).
@Suite("README: Decisions not to share")
struct ReadmeDecisionTests {
    @Test("the commands of the README's Decisions not to share section work as written against the demo")
    func decisionCommandsWork() async throws {
        let commands = try ReadmeCommand.commands(inSection: "Decisions not to share")
        try #require(commands.count == 3)
        try await ReadmeRun.withDemo { folder, demo in
            let runs = try await ReadmeRun.run(commands, in: folder, port: demo.port)
            for run in runs {
                #expect(run.status == 0, "\(run.command.text)\n\(run.stderr)")
            }
            let published = runs[0].object
            let id = try #require(published["id"] as? String, "publish answer: \(published) \(runs[0].stderr)")
            #expect(published["recipients"] as? [String] == [], "delivered to nobody")
            #expect((runs[1].object["recipients"] as? [Any])?.isEmpty == true, "\(runs[1].stdout)")
            let decisions = runs[2].object["decisionsNotToShare"] as? [[String: Any]]
            #expect(decisions?.map { $0["messageId"] as? String } == [id], "\(runs[2].stdout)")
        }
    }
}
