import Foundation
import ShareTesting
import Testing

/// Every input in Tests/fuzz-inputs (the fuzzers' seeds, and each finding once fixed) replayed
/// through its target on every test run, and the catalogue through the JSON and schema targets:
/// a reader that crashes, traps or breaks its property on one of them fails here.
@Suite("Fuzz inputs replayed")
struct FuzzRegressionTests {
    static let targets = ["jws", "json", "schema", "regex", "batch", "policy", "calendar"]

    @Test("each fuzz target runs every recorded input without a crash", arguments: targets)
    func replay(_ target: String) async throws {
        let program = try #require(Subprocess.productPath("sharebroker-fuzz"), "build the sharebroker-fuzz product first")
        let inputs = Paths.repository.appendingPathComponent("Tests/fuzz-inputs/\(target)")
        let files = try FileManager.default.contentsOfDirectory(atPath: inputs.path).filter { !$0.hasPrefix(".") }
        #expect(!files.isEmpty, "the target has seeds")
        var folders = [inputs]
        if target == "json" || target == "schema" {
            folders += [RepositoryPaths.schemas] + (try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.examples.path))
                .map { RepositoryPaths.examples.appendingPathComponent($0) }
        }
        let expected = try folders.reduce(0) { count, folder in
            try count + FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
                .filter { file in
                    let isFile = try file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true
                    return isFile && !file.lastPathComponent.hasPrefix(".")
                }.count
        }
        // Under AddressSanitizer the program checks for leaks at exit, with scripts/fuzz's suppression.
        let suppressions = Paths.repository.appendingPathComponent("scripts/lsan-suppressions").path
        let run = try await Subprocess.run(program, folders.map(\.path), environment: [
            "SHAREBROKER_FUZZ_TARGET": target, "SHAREBROKER_SCHEMAS": RepositoryPaths.schemas.path,
            "LSAN_OPTIONS": "suppressions=\(suppressions)",
        ])
        #expect(run.status == 0, "\(run.text)\(run.stderr)")
        #expect(run.stderr.contains("Inputs replayed"), "\(run.stderr)")
        #expect(run.stderr.contains("share.count=\(expected)"), "every input was replayed: \(run.stderr)")
    }
}
