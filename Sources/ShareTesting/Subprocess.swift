public import Foundation

/// Runs another program (curl, openssl, python3, our own executables) and collects its output.
///
/// The waiting happens on threads of its own, never on Swift's cooperative pool: a test's
/// in-process broker needs those threads to answer the very program being waited for.
public struct Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: Data
        public let stderr: String
        public var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `executable` (a path, or a name looked up on PATH) to completion.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           environment: [String: String]? = nil) async throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let errors = Pipe()
        let inputPipe = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = inputPipe
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                do {
                    try process.runSerially()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                if let input { inputPipe.fileHandleForWriting.write(input) }
                try? inputPipe.fileHandleForWriting.close()
                let errorText = ThreadResult<Data>()
                Thread { errorText.set(errors.fileHandleForReading.readDataToEndOfFile()) }.start()
                let stdout = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: Result(
                    status: process.terminationStatus, stdout: stdout,
                    stderr: String(decoding: errorText.wait(), as: UTF8.self)))
            }.start()
        }
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

/// A value one thread hands to another.
private final class ThreadResult<Value: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only touched while holding `condition`.
    private let condition = NSCondition()
    private var value: Value?

    func set(_ newValue: Value) {
        condition.lock()
        value = newValue
        condition.signal()
        condition.unlock()
    }

    func wait() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }
}

extension Process {
    /// Stops a child started from a test, if it still runs. With SIGKILL: a child started from
    /// one of Swift's threads inherits that thread's blocked signals, SIGTERM among them, so
    /// `terminate()` would leave it running, perhaps beyond the test run.
    public func stopFromTest() {
        if isRunning { kill(processIdentifier, SIGKILL) }
    }
}
