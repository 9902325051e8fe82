import Foundation
import Logging
import ShareBroker

#if FUZZING
/// libFuzzer's driver, from its runtime without a `main` (`libclang_rt.fuzzer_no_main`), which
/// `scripts/fuzz` links: SwiftPM names the program's entry point after the module, so the
/// program's own entry point starts the driver.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The entry point SwiftPM links as `main`: runs libFuzzer on the selected target.
@_cdecl("sharebroker_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzTarget.selected.prepare()
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { bytes, size in
        FuzzTarget.selected.run(bytes.map { Data(bytes: $0, count: size) } ?? Data())
        return 0
    }
}
#else
/// Built without fuzzing, it replays inputs (files, or every file directly in a folder) through the
/// target that `SHAREBROKER_FUZZ_TARGET` names: how the regression tests run past findings. As
/// under libFuzzer, what every input uses is loaded first (`prepare()`), which is what the leak
/// suppression of `scripts/lsan-suppressions` matches when the tests run under AddressSanitizer.
@main
struct FuzzReplay {
    static func main() throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        FuzzTarget.selected.prepare()
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            for file in try files(at: path) {
                FuzzTarget.selected.run(try Data(contentsOf: file))
                count += 1
            }
        }
        Logger(label: "sharebroker-fuzz").info("Inputs replayed", metadata: [
            "share.target": "\(FuzzTarget.selected.rawValue)", ShareLogKey.count: "\(count)",
        ])
    }

    private static func files(at path: String) throws -> [URL] {
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return [url] }
        return try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isRegularFileKey])
            .filter { !$0.lastPathComponent.hasPrefix(".") && (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
            .sorted { $0.path < $1.path }
    }
}
#endif
