import ArgumentParser
import Foundation

/// `sharectl scenario NAME`: plays one of the flows of docs/domain.md against a running demo
/// partnership, each agency with its own certificate and signing key, and prints what happened.
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Play a safeguarding flow against a running demo partnership, as its agencies would.",
        discussion: """
            NAME is one of: \(Scenario.all.map(\.name).joined(separator: ", ")), or all.
            Each agency uses its own certificate and signing key from --demo-dir. The scenario reads the inboxes of
            the agencies it involves and acknowledges only its own messages there: run it against a demo, not beside
            an agency's real systems. Exit status: 0 when every step happened, 1 when one did not (the transcript
            says which), 64 a usage error.
            """)

    @Argument(help: "The flow to play, or all.") var name: String

    @Option(name: .long, help: "The demo data folder made by 'sharebroker demo' (env SHARECTL_DEMO_DIR; default ./demo-data).")
    var demoDir: String?

    @Option(name: .long, help: "The broker's base URL (env SHARECTL_URL; default the demo's port). Repeat it, or separate URLs with commas, for several nodes.")
    var url: [String] = []

    func validate() throws {
        guard name == "all" || Scenario.all.contains(where: { $0.name == name }) else {
            throw ValidationError("There is no scenario '\(name)'; there are \(Scenario.all.map(\.name).joined(separator: ", ")), and all.")
        }
    }

    func run() async throws {
        let folder = try DemoFolder(path: demoDir ?? ProcessInfo.processInfo.environment["SHARECTL_DEMO_DIR"] ?? "./demo-data")
        let partnership = ScenarioPartnership(folder: folder, urls: try ConnectionOptions.brokerURLs(given: url) { folder.url })
        let chosen = name == "all" ? Scenario.all : Scenario.all.filter { $0.name == name }
        var failed: [String] = []
        for scenario in chosen {
            let transcript = Transcript()
            transcript.heading("\(scenario.name): \(scenario.title)")
            do {
                try await scenario.play(ScenarioRun(partnership: partnership, transcript: transcript))
                transcript.line("✔ every step happened")
            } catch {
                transcript.line("✘ \(error)")
                failed.append(scenario.name)
            }
        }
        try await partnership.shutdown()
        if !failed.isEmpty {
            FileHandle.standardError.write(Data("sharectl: scenario \(failed.joined(separator: ", ")) did not complete.\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// The transcript of a scenario, printed line by line as it happens.
final class Transcript: Sendable {
    func heading(_ text: String) {
        print("\n" + text)
    }

    func line(_ text: String) {
        print("  " + text)
    }
}

/// A step of a scenario that did not happen, in words for the transcript.
struct ScenarioFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
