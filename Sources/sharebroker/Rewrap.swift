import ArgumentParser
import Foundation
import ShareServer
import ShareStore
import ShareVault

struct Rewrap: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move every stored message body and document chunk under the current payload key (/payloadKeys/current), while the broker serves.",
        discussion: "Wraps each body's data key again with the current key (bodies stored in clear are sealed). Run it after putting a new key in /payloadKeys/current and the old one in /payloadKeys/previous and restarting the broker (or each node); when it has finished, the old key can be removed.")

    @Option(name: .long, help: "The broker's configuration file (JSON).")
    var config: String

    @Option(name: .long, help: "How many bodies to read and re-wrap at a time.")
    var batch: Int = 500

    func run() async throws {
        let logger = bootstrap()
        let settings: ServerSettings
        do {
            settings = try ServerSettings.load(from: URL(fileURLWithPath: config))
        } catch {
            throw failStartup(error)
        }
        guard let keys = settings.payloadKeys else {
            throw failStartup(ValidationError("\(config) has no /payloadKeys: name the current key (and the previous ones) first."))
        }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1.") }
        let store = try await settings.store.open(logger: logger).store
        let done: BodyRewrap.Progress
        let chunks: BodyRewrap.Progress
        do {
            done = try await BodyRewrap.run(store, keys: keys, batch: batch) { progress in
                say("\(progress.read) bodies read: \(progress.rewrapped) re-wrapped, \(progress.current) under \(keys.current.id) already, \(progress.skipped) destroyed or changed meanwhile")
            }
            chunks = try await BodyRewrap.runChunks(store, keys: keys, batch: min(batch, 16)) { progress in
                say("\(progress.read) document chunks read: \(progress.rewrapped) re-wrapped, \(progress.current) under \(keys.current.id) already, \(progress.skipped) removed or changed meanwhile")
            }
        } catch {
            await store.close()
            throw failStartup(error)
        }
        await store.close()
        say("Done: every stored body is under \(keys.current.id) (\(done.rewrapped) re-wrapped), and every document chunk (\(chunks.rewrapped) re-wrapped); the previous keys may now be removed from /payloadKeys/previous.")
    }

    private func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
