import Foundation
import ShareTesting
import Testing

/// Runs the commands of the README's "Deadlines on message types" section against the demo, as
/// `ReadmeTryItTests` runs "Try it" (the same substitutions apply).
@Suite("README: Deadlines on message types")
struct ReadmeDeadlineTests {
    @Test("the commands of the README's deadline section work as written against the demo")
    func deadlineCommandsWork() async throws {
        let commands = try ReadmeCommand.commands(inSection: "Deadlines on message types")
        try #require(commands.count == 2)
        try await ReadmeRun.withDemo { folder, demo in
            let runs = try await ReadmeRun.run(commands, in: folder, port: demo.port)
            for run in runs {
                #expect(run.status == 0, "\(run.command.text)\n\(run.stderr)")
            }
            let dueBy = try #require((runs[0].object["dueBy"] as? [String: String])?["oakfield-primary"],
                                     "publish answer: \(runs[0].stdout) \(runs[0].stderr)")
            let recipients = runs[1].object["recipients"] as? [[String: Any]]
            #expect(recipients?.map { $0["dueBy"] as? String } == [dueBy], "\(runs[1].stdout)")
        }
    }
}
