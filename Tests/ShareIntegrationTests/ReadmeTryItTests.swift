import Foundation
import ShareTesting
import Testing

/// Runs the README's "Try it" commands as a reader would, so that the README cannot drift from
/// what works: the commands are read from the section's ```sh blocks and run in order by one
/// bash, in a temporary folder where `sharebroker demo` has made its `demo-data/`.
///
/// Only these differ from a reader's terminal:
/// - `swift run PRODUCT ARGS` runs the product already built beside the tests: a `swift` script
///   first on PATH maps it so (a build inside a test would be slow, and recursive).
/// - The demo listens on a free port rather than 8443: `127.0.0.1:8443` in a command becomes
///   that port (sharectl finds it in the demo folder, as it does for a reader).
/// - The example message id of `sharectl status` becomes the id of the publish answer, as the
///   README's comment tells the reader.
/// - A command that runs until Ctrl-C (its comment says so) is stopped with SIGKILL once it has
///   printed something, or after 60 s. Every other command, and the whole run, are bounded too.
@Suite("README: Try it")
struct ReadmeTryItTests {
    @Test("the commands of the README's Try it section work as written against the demo")
    func tryItCommandsWork() async throws {
        let commands = try ReadmeCommand.commands(inSection: "Try it")
        try await ReadmeRun.withDemo { folder, demo in
            try checkTryIt(try await ReadmeRun.run(commands, in: folder, port: demo.port), in: folder)
        }
    }

    private func checkTryIt(_ runs: [ReadmeRun], in folder: URL) throws {
        for run in runs where !run.command.runsUntilStopped {
            #expect(run.status == 0, "\(run.command.text)\n\(run.stderr)")
        }
        func output(of marker: String) throws -> ReadmeRun {
            try #require(runs.first { $0.command.text.contains(marker) }, "no command with '\(marker)' in the README's Try it")
        }

        let published = try output(of: "sharectl publish").object
        let id = try #require(published["id"] as? String, "publish answer: \(published)")
        #expect((published["recipients"] as? [String])?.contains("northshire-csc") == true)

        let inbox = try output(of: "/v1/inbox").object["deliveries"] as? [[String: Any]]
        #expect(inbox?.map { $0["messageId"] as? String } == [id], "curl reads the delivery from the inbox")
        let hidden = try output(of: "sharectl inbox")
        #expect((try? JSONSerialization.jsonObject(with: Data(hidden.stdout.utf8)) as? [Any])?.isEmpty == true,
                "the delivery curl fetched stays hidden for the visibility timeout, as the README says: \(hidden.stdout)")

        let streamed = try output(of: "sharectl stream")
        let line = try streamed.object(ofLine: 0)
        #expect((line["delivery"] as? [String: Any])?["messageId"] as? String == id, "\(streamed.stdout)\(streamed.stderr)")
        #expect((line["envelope"] as? [String: Any])?["id"] as? String == id, "printed once its signature verified")

        let status = try output(of: "sharectl status").object["recipients"] as? [[String: Any]]
        let socialCare = status?.first { $0["agency"] as? String == "northshire-csc" }
        #expect(["delivered", "acknowledged"].contains(socialCare?["state"] as? String), "\(status ?? [])")

        let signed = try String(contentsOf: folder.appendingPathComponent("referral.jws"), encoding: .utf8)
        #expect(signed.hasSuffix("\n"), "sharectl sign ends its line, and the broker takes the file as it is")
        let curlPublished = try output(of: "@referral.jws").object
        #expect(curlPublished["id"] as? String != nil && curlPublished["recipients"] != nil, "\(curlPublished)")

        let batch = try output(of: "/v1/messages/batch").object
        #expect(batch["accepted"] as? Int == 2, "\(batch)")
        #expect(batch["refused"] as? Int == 0)
    }
}

/// What one README command did: its exit status and output.
struct ReadmeRun {
    let command: ReadmeCommand
    let status: Int32?
    let stdout: String
    let stderr: String

    /// Standard output as one JSON object (empty if it is not one).
    var object: [String: Any] { Self.object(Data(stdout.utf8)) }

    /// Line `index` of standard output as a JSON object.
    func object(ofLine index: Int) throws -> [String: Any] {
        let lines = stdout.split(separator: "\n")
        try #require(lines.count > index, "no line \(index) in: \(stdout)\(stderr)")
        return Self.object(Data(lines[index].utf8))
    }

    private static func object(_ data: Data) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Calls `body` with a temporary folder in which a demo runs on a free port; stops the demo
    /// (it must stop cleanly) and removes the folder.
    static func withDemo(_ body: (URL, DemoProcess) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let demo = try await DemoProcess.start(["--port", "0", "--schemas", RepositoryPaths.schemas.path], in: folder)
        defer { demo.process.stopFromTest() }
        try await body(folder, demo)
        #expect(try await demo.stop())
    }

    /// Runs `commands` in order in one bash in `folder`, with `swift run` mapped to the built
    /// products and the demo's port in place of 8443 (see `ReadmeTryItTests`).
    static func run(_ commands: [ReadmeCommand], in folder: URL, port: Int) async throws -> [ReadmeRun] {
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let products = URL(fileURLWithPath: sharectl).deletingLastPathComponent().path
        let bin = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("out"), withIntermediateDirectories: true)
        let swift = bin.appendingPathComponent("swift")
        // Written by a child process, not from this one: a process that other tests fork at that
        // moment would inherit the open file and make running it fail with "Text file busy".
        let shim = """
            #!/bin/sh
            # 'swift run PRODUCT ARGS' runs the product already built beside the tests.
            [ "$1" = run ] || { echo "only 'swift run' is mapped here" >&2; exit 127; }
            shift
            exec "$@"

            """
        let written = try await Subprocess.run("/bin/sh", ["-c", "cat > \"$0\" && chmod 755 \"$0\"", swift.path], input: Data(shim.utf8))
        try #require(written.status == 0, "\(written.stderr)")
        var script = """
            cd '\(folder.path)'
            export PATH='\(bin.path):\(products)':"$PATH"
            unset "${!SHARECTL_@}"
            published_id=none

            """
        for (index, command) in commands.enumerated() {
            let text = command.text.replacingOccurrences(of: "127.0.0.1:8443", with: "127.0.0.1:\(port)")
                .replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, with: "\"$published_id\"")
            let out = "out/\(index)"
            if command.runsUntilStopped {
                // timeout puts the command in a process group of its own, which the kill ends whole.
                script += """
                    timeout -s KILL 60 \(text) > \(out).out 2> \(out).err &
                    job=$!
                    for _ in $(seq 600); do [ -s \(out).out ] || ! kill -0 $job 2> /dev/null && break; sleep 0.1; done
                    kill -KILL -- -$job 2> /dev/null
                    wait $job; echo $? > \(out).status

                    """
            } else {
                script += """
                    { \(text)
                    } > \(out).out 2> \(out).err < /dev/null; echo $? > \(out).status

                    """
            }
            if text.contains("sharectl publish") {
                script += #"published_id=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])' < \#(out).out)"# + "\n"
            }
        }
        let file = folder.appendingPathComponent("try-it.sh")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let ran = try await Subprocess.run("timeout", ["-s", "KILL", "300", "bash", file.path])
        try #require(ran.status == 0, "the script ended early: \(ran.stderr)")
        return commands.indices.map { index in
            let read = { (suffix: String) in
                (try? String(contentsOf: folder.appendingPathComponent("out/\(index).\(suffix)"), encoding: .utf8)) ?? ""
            }
            return ReadmeRun(command: commands[index], status: Int32(read("status").trimmingCharacters(in: .whitespacesAndNewlines)),
                             stdout: read("out"), stderr: read("err"))
        }
    }
}
