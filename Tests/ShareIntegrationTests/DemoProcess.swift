import Foundation
import ShareClient
import ShareTesting
import Testing

/// The built `sharebroker demo`, run in a process of its own as a person runs it. Stop it with
/// `stop()`, and with `process.stopFromTest()` in a `defer` in case the test ends early.
struct DemoProcess {
    let process: ChildProcess
    /// What it printed on standard output: the banner.
    let banner: CapturedOutput
    /// What it printed on standard error: its log.
    let log: CapturedOutput
    /// The port its banner says it listens on.
    let port: Int

    /// Starts `sharebroker demo ARGUMENTS` in `folder` (default: this process's folder) and
    /// waits up to 60 s for its banner. With `yielding`, at the lowest CPU priority (`nice`), so
    /// that a long run beside them does not slow the other tests. With a `launcher` (a command
    /// and its options, such as `strace`), run by it.
    static func start(_ arguments: [String], in folder: URL? = nil, yielding: Bool = false,
                      launcher: [String] = []) async throws -> DemoProcess {
        let executable = try #require(Subprocess.productPath("sharebroker"), "build the sharebroker product first")
        let command = launcher + (yielding ? ["nice", "-n", "19"] : []) + [executable, "demo"] + arguments
        let process = try ChildProcess(command[0], Array(command.dropFirst()), directory: folder?.path,
                                       standardOutput: .capture, standardError: .capture)
        let banner = try #require(process.standardOutput)
        let log = try #require(process.standardError)
        let started = try await eventually(within: 60) { banner.text.contains("Stop with Ctrl-C") }
        if !started { process.stopFromTest() }
        try #require(started, "no banner from sharebroker demo: \(banner.text)\(log.text)")
        return DemoProcess(process: process, banner: banner, log: log, port: try #require(banner.demoPort))
    }

    /// The arguments of a demo in `dataDirectory` on a free port with the repository's catalogue.
    static func arguments(dataDirectory: URL) -> [String] {
        ["--data-dir", dataDirectory.path, "--port", "0", "--schemas", RepositoryPaths.schemas.path]
    }

    /// A client's configuration as `agency` of the demo folder `dataDirectory` (its `pki`
    /// folder), for the demo listening on `port`.
    static func clientConfiguration(as agency: String, dataDirectory: URL, port: Int) -> ShareClientConfiguration {
        let pki = dataDirectory.appendingPathComponent("pki")
        return ShareClientConfiguration(urls: [URL(string: "https://127.0.0.1:\(port)")!], caFile: pki.appendingPathComponent("ca.crt").path,
                                        certificateFile: pki.appendingPathComponent("\(agency).crt").path,
                                        keyFile: pki.appendingPathComponent("\(agency).key").path)
    }

    /// What signs `agency`'s messages in the demo folder `dataDirectory`.
    static func signer(for agency: String, dataDirectory: URL) throws -> MessageSigner {
        try MessageSigner(keyFile: dataDirectory.appendingPathComponent("pki/\(agency).signing.key").path)
    }

    /// Stops it as Ctrl-C does; true if it then exited within 10 s.
    func stop() async throws -> Bool {
        process.signal(SIGINT)
        let exited = try await eventually { !process.isRunning }
        process.stopFromTest()
        return exited
    }
}
