import Foundation
import ShareTesting
import Testing

/// Runs the commands of the README's "Selective disclosure per recipient (SD-JWT)" section
/// against the demo, as `ReadmeTryItTests` runs "Try it" (the same substitutions apply).
@Suite("README: Selective disclosure per recipient")
struct ReadmeSelectiveDisclosureTests {
    @Test("the README's selective disclosure commands work as written: the school's copy has no narrative, social care's has it")
    func commandsWork() async throws {
        let commands = try ReadmeCommand.commands(inSection: "Selective disclosure per recipient (SD-JWT)")
        try #require(commands.count == 3)
        try await ReadmeRun.withDemo { folder, demo in
            let runs = try await ReadmeRun.run(commands, in: folder, port: demo.port)
            for run in runs {
                #expect(run.status == 0, "\(run.command.text)\n\(run.stderr)")
            }
            #expect(runs[0].object["recipients"] as? [String] == ["oakfield-primary", "northshire-csc"], "\(runs[0].stdout)")
            func payload(_ run: ReadmeRun) throws -> [String: Any] {
                let printed = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
                let envelope = try #require(printed?.first?["envelope"] as? [String: Any], "\(run.stdout)")
                return try #require(envelope["payload"] as? [String: Any])
            }
            let school = try payload(runs[1])
            #expect(school["keyAdultGuidance"] != nil && school["childPresent"] as? Bool == true)
            #expect(school["incidentNarrative"] == nil, "withheld from the school")
            #expect(!runs[1].stdout.contains("arrested"), "not a word of the narrative")
            #expect(try payload(runs[2])["incidentNarrative"] as? String != nil, "children's social care gets it")
        }
    }
}
