import Foundation
import ShareTesting

/// A shell command of README.md as a reader copies it, with the comment lines just above it.
struct ReadmeCommand {
    /// The comment lines above the command, without their `#`, joined by spaces.
    let comment: String
    /// The command; a line that ends in `\` goes on in the next, as in the README.
    let text: String

    /// Whether the README says it runs until it is stopped with Ctrl-C.
    var runsUntilStopped: Bool { comment.contains("Ctrl-C") }

    /// The commands of the ```sh blocks under the README heading `heading` (of any level), in
    /// order, up to the next heading of any level.
    static func commands(inSection heading: String) throws -> [ReadmeCommand] {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix("#") && $0.drop { $0 == "#" } == " \(heading)" }) else { return [] }
        var commands: [ReadmeCommand] = []
        var fence: String?
        var comment: [String] = []
        var command: [String] = []
        for line in lines[(start + 1)...] {
            if fence == nil && line.hasPrefix("#") {
                break
            } else if line.hasPrefix("```") {
                fence = fence == nil ? line : nil
                comment = []
            } else if fence != "```sh" {
                continue
            } else if command.isEmpty && line.hasPrefix("#") {
                comment.append(line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces))
            } else if command.isEmpty && line.trimmingCharacters(in: .whitespaces).isEmpty {
                comment = []
            } else {
                command.append(line)
                if !line.hasSuffix("\\") {
                    commands.append(ReadmeCommand(comment: comment.joined(separator: " "), text: command.joined(separator: "\n")))
                    command = []
                    comment = []
                }
            }
        }
        return commands
    }
}
