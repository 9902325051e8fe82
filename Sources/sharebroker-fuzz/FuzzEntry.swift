import Foundation

#if FUZZING
/// libFuzzer's entry point: `scripts/fuzz` builds this with `-sanitize=fuzzer,address`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    FuzzTarget.selected.run(Data(bytes: bytes, count: count))
    return 0
}
#else
/// Built without fuzzing, it replays inputs (files, or every file directly in a folder) through the
/// target that `SHAREBROKER_FUZZ_TARGET` names: how the regression tests run past findings.
@main
struct FuzzReplay {
    static func main() throws {
        var count = 0
        for path in CommandLine.arguments.dropFirst() {
            for file in try files(at: path) {
                FuzzTarget.selected.run(try Data(contentsOf: file))
                count += 1
            }
        }
        print("\(FuzzTarget.selected.rawValue): \(count) inputs replayed")
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
