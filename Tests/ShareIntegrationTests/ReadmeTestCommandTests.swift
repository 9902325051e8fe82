import Foundation
import Testing

/// CI runs exactly the test command the README gives a newcomer, then the same under the
/// sanitizer and the fuzzing the README says CI runs.
@Suite("README: the test command")
struct ReadmeTestCommandTests {
    @Test("the README's test command is the command .ci/run runs, followed only by its AddressSanitizer run and the fuzz minutes the README names")
    func ciRunsTheReadmeCommand() throws {
        let readme = try String(contentsOf: Paths.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "Run the tests.").map { readme[$0.upperBound...] })
        let block = try #require(section.range(of: "```sh\n").map { section[$0.upperBound...] })
        let command = String(block.prefix { $0 != "\n" })
        #expect(!command.isEmpty && block.dropFirst(command.count).hasPrefix("\n```"), "one command in the block")

        let ci = try String(contentsOf: Paths.repository.appendingPathComponent(".ci/run"), encoding: .utf8)
        let steps = ci.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix("set ") && !$0.hasPrefix("cd ") }
        let sanitized = "\(command) --sanitize=address --scratch-path .build-asan --disable-xctest"
        #expect(steps == [command, sanitized, "scripts/fuzz all 60"], ".ci/run runs \(steps), the README says \(command)")
        #expect(readme.contains("\n\(sanitized)"), "the README shows the AddressSanitizer command CI runs")
        #expect(readme.contains("`.ci/run` runs every test under AddressSanitizer after the normal run"))
        #expect(readme.contains("`.ci/run` fuzzes each target for a minute after the tests."))
    }
}
