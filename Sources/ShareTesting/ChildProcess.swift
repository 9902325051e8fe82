public import Foundation
import CSpawn
import ShareLocking

/// A program a test starts (curl, openssl, sqlite3, python3, our own executables), spawned
/// with `posix_spawn` and reaped with `waitpid` on a thread of its own.
///
/// Tests do not use Foundation's `Process`: on Linux it crashed inside `run()` (a `memcpy`)
/// when many tests started programs at once, and its `FileHandle` reads stop the whole test
/// process on an interrupted system call. The child starts with every signal at its default
/// and none blocked (a child of one of Swift's threads would otherwise inherit blocked
/// SIGTERM and ignored SIGPIPE), with only its standard streams open.
public final class ChildProcess: Sendable {
    /// Where one of the child's output streams goes.
    public enum Output: Sendable {
        /// To /dev/null.
        case discard
        /// Into a `CapturedOutput` the test reads.
        case capture
        /// Into a file, created or truncated.
        case file(String)
    }

    /// The child's process id.
    public let pid: Int32
    /// What it writes on standard output, when started with `.capture`.
    public let standardOutput: CapturedOutput?
    /// What it writes on standard error, when started with `.capture`.
    public let standardError: CapturedOutput?
    private let exit = ExitStatus()

    /// Starts `executable` (a path, or a name looked up on PATH) with `arguments`, in
    /// `directory` (default: this process's), with this process's environment plus
    /// `environment`. `input`, if any, is written to its standard input, which is then
    /// closed; without it the child reads /dev/null.
    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                directory: String? = nil, input: Data? = nil,
                standardOutput: Output = .discard, standardError: Output = .discard) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [Int32] = []
        var childEnds: [Int32] = []
        defer { childEnds.forEach { _ = close($0) } }
        func pipeEnds() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard cspawn_pipe_cloexec(&ends) == 0 else { throw ChildProcessError.spawn(executable, errno) }
            return (ends[0], ends[1])
        }
        func redirect(_ output: Output, to target: Int32) throws -> Int32? {
            switch output {
            case .discard:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
                return nil
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                return nil
            case .capture:
                let ends = try pipeEnds()
                parentEnds.append(ends.read)
                childEnds.append(ends.write)
                posix_spawn_file_actions_adddup2(&actions, ends.write, target)
                return ends.read
            }
        }
        var inputEnd: Int32?
        if input != nil {
            let ends = try pipeEnds()
            parentEnds.append(ends.write)
            childEnds.append(ends.read)
            posix_spawn_file_actions_adddup2(&actions, ends.read, STDIN_FILENO)
            inputEnd = ends.write
        } else {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        let outputEnd: Int32?
        let errorEnd: Int32?
        do {
            outputEnd = try redirect(standardOutput, to: STDOUT_FILENO)
            errorEnd = try redirect(standardError, to: STDERR_FILENO)
        } catch {
            parentEnds.forEach { _ = close($0) }
            throw error
        }
        cspawn_addclosefrom(&actions, 3)
        if let directory { cspawn_addchdir(&actions, directory) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var child: pid_t = 0
        let status = withCStrings([executable] + arguments) { argv in
            withCStrings(variables) { envp in
                executable.hasPrefix("/")
                    ? posix_spawn(&child, executable, &actions, &attributes, argv, envp)
                    : posix_spawnp(&child, executable, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else {
            parentEnds.forEach { _ = close($0) }
            throw ChildProcessError.spawn(executable, status)
        }
        let pid = child
        self.pid = pid
        self.standardOutput = outputEnd.map(CapturedOutput.init(reading:))
        self.standardError = errorEnd.map(CapturedOutput.init(reading:))
        if let inputEnd, let input { Self.write(input, to: inputEnd) }
        let exit = self.exit
        Thread { exit.set(Self.reap(pid)) }.start()
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { exit.value == nil }

    /// Its exit status once it has exited: the code it exited with, or 128 plus the signal
    /// that ended it, as a shell reports it.
    public var exitStatus: Int32? { exit.value }

    /// Waits for the child to exit and answers its exit status.
    public func exited() async -> Int32 {
        await exit.wait()
    }

    /// Sends `signal` to the child, if it still runs.
    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Stops the child at once (SIGKILL), if it still runs: for a test's `defer`.
    public func stopFromTest() {
        signal(SIGKILL)
    }

    private static func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func write(_ data: Data, to descriptor: Int32) {
        Thread {
            data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written == -1 && errno == EINTR {
                        continue
                    } else {
                        break
                    }
                }
            }
            close(descriptor)
        }.start()
    }
}

/// Why a child could not be started.
public enum ChildProcessError: Error, CustomStringConvertible {
    case spawn(String, Int32)

    public var description: String {
        switch self {
        case .spawn(let executable, let code): "cannot start \(executable): \(String(cString: strerror(code)))"
        }
    }
}

/// Everything a child wrote on one stream, read on a thread of its own until the child
/// closes it.
public final class CapturedOutput: Sendable {
    private let state = Locked(State())

    private struct State {
        var data = Data()
        var ended = false
        var waiting: [CheckedContinuation<Data, Never>] = []
    }

    init(reading descriptor: Int32) {
        Thread { self.read(until: descriptor) }.start()
    }

    private func read(until descriptor: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count > 0 {
                state.withLock { $0.data.append(contentsOf: buffer[0..<count]) }
            } else if count == -1 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        close(descriptor)
        let (data, waiting) = state.withLock { state in
            state.ended = true
            defer { state.waiting = [] }
            return (state.data, state.waiting)
        }
        waiting.forEach { $0.resume(returning: data) }
    }

    /// What has arrived so far, as bytes.
    public var data: Data { state.withLock { $0.data } }

    /// What has arrived so far, as text.
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// Everything, once the child has closed the stream.
    public func whole() async -> Data {
        await withCheckedContinuation { continuation in
            let done: Data? = state.withLock { state in
                if state.ended { return state.data }
                state.waiting.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}

/// A child's exit status, set once by the thread that reaps it.
private final class ExitStatus: Sendable {
    private let state = Locked<(status: Int32?, waiting: [CheckedContinuation<Int32, Never>])>((nil, []))

    var value: Int32? { state.withLock { $0.status } }

    func set(_ status: Int32) {
        let waiting = state.withLock { state in
            state.status = status
            defer { state.waiting = [] }
            return state.waiting
        }
        waiting.forEach { $0.resume(returning: status) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let done: Int32? = state.withLock { state in
                if let status = state.status { return status }
                state.waiting.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}

/// Calls `body` with a NULL-terminated array of C strings, valid during the call.
private func withCStrings<Result>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}
