public import Foundation

/// Runs another program (curl, openssl, python3, our own executables) to completion and
/// collects its output.
///
/// The waiting happens on threads of its own (see `ChildProcess`), never on Swift's
/// cooperative pool: a test's in-process broker needs those threads to answer the very
/// program being waited for.
public struct Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) to completion, with `input`
    /// on its standard input and `environment` added to this process's.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           environment: [String: String]? = nil, directory: String? = nil) async throws -> Result {
        let child = try ChildProcess(executable, arguments, environment: environment ?? [:], directory: directory,
                                     input: input, standardOutput: .capture, standardError: .capture)
        let status = await child.exited()
        let stdout = await child.standardOutput?.whole() ?? Data()
        let stderr = await child.standardError?.whole() ?? Data()
        return Result(status: status, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The path of one of this package's executables, built beside the test bundle.
    public static func productPath(_ name: String) -> String? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }
}
