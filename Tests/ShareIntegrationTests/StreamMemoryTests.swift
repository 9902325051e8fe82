import CMalloc
import Foundation
import ShareServer
import ShareTesting
import Testing

/// The memory of many idle delivery streams (issue 16: "10,000 agencies' systems connected at
/// once"), measured on the built `sharebroker demo` in a process of its own by the benchmark's
/// own load generator (Benchmarks/streams_bench.py: Python's asyncio and ssl, which nobody
/// here wrote), at a scale a test can afford.
@Suite("Many idle streams: the memory each costs, and given back after they close")
struct StreamMemoryTests {
    static let streams = 200

    @Test("200 agencies each hold a stream: a broadcast reaches all, and once they close the broker gives their memory back")
    func memoryOfClosedStreamsIsGivenBack() async throws {
        let run = try await Self.generator(["--after-close", "60"])
        #expect(run.status == 0, "\(run.text)\(run.stderr)")
        #expect(run.text.contains("streams that received it           \(Self.streams) of \(Self.streams)"), "\(run.text)")
        let open = try #require(reportFigure("per open idle stream", in: run.text), "\(run.text)")
        let givenBack = try #require(reportFigure("given back after closing, per stream", in: run.text), "\(run.text)")
        // Before, nothing came back (RSS the same 35 s after they closed). What the store
        // added for the 200 subscriptions and deliveries stays, so the whole cannot come back.
        #expect(open > 20, "the streams were open and cost memory:\n\(run.text)")
        // The memory given back is the C library allocator's (malloc_trim). Under a sanitizer
        // the broker allocates through the sanitizer's own allocator, which keeps freed memory
        // in quarantine to catch use after free, so there is nothing of this to check there.
        if !TestLimits.sanitized {
            #expect(givenBack > open * 0.4, "\(givenBack) KiB per stream given back after they closed, of \(open) while open:\n\(run.text)")
        }
    }

    @Test("the benchmark's connections that hold no stream: 200 agencies' connections cost memory after their handshakes alone, and one request on each is measured apart")
    func connectionsWithoutStreamsAreMeasured() async throws {
        let run = try await Self.generator(["--hold", "request"])
        #expect(run.status == 0, "\(run.text)\(run.stderr)")
        // Measured: about 50 KiB a connection after its handshake (NIOSSL, BoringSSL, NIO,
        // Hummingbird's connection task), and about 10 KiB more after one request. A connection
        // the broker closed meanwhile (its 10 s deadline for a request's head) fails the run.
        let open = try #require(reportFigure("per open idle connection", in: run.text), "\(run.text)")
        #expect(open > 20, "the connections were open and cost memory:\n\(run.text)")
        #expect(reportFigure("left by one request, per connection", in: run.text) != nil, "\(run.text)")
        #expect(!run.text.contains("streams that received it"), "no message is published in this mode:\n\(run.text)")
    }

    /// Benchmarks/streams_bench.py with `options`, for 200 agencies against a demo of its own,
    /// which it expects to stop cleanly.
    private static func generator(_ options: [String]) async throws -> Subprocess.Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("streams-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(DemoProcess.arguments(dataDirectory: folder) + [
                                                "--bench-agencies", "\(streams)"])
        defer { demo.process.stopFromTest() }
        let sharectl = try #require(Subprocess.productPath("sharectl"), "build the sharectl product first")
        let run = try await Subprocess.run("python3", [
            RepositoryPaths.root.appendingPathComponent("Benchmarks/streams_bench.py").path,
            "--demo-dir", folder.path, "--url", "https://127.0.0.1:\(demo.port)", "--broker-pid", "\(demo.process.pid)",
            "--sharectl", sharectl, "--streams", "\(streams)", "--settle", "2",
        ] + options)
        #expect(try await demo.stop())
        return run
    }

    @Test("a demo of 3,000 agencies gives back what its start-up freed (reading its directory, rewriting its configuration with its port): within seconds it holds at least 25 MiB less than at its peak")
    func startUpMemoryIsGivenBack() async throws {
        // What comes back is glibc's (malloc_trim); a sanitizer's allocator keeps freed memory.
        guard !TestLimits.sanitized else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await DemoProcess.start(DemoProcess.arguments(dataDirectory: folder) + [
                                                "--bench-agencies", "3000"])
        defer { demo.process.stopFromTest() }
        // Measured: 35 to 47 MiB below the peak 8 s after start; 3.6 to 16 MiB before the
        // broker released memory at start.
        var memory = (resident: 0, peak: 0)
        #expect(try await eventually(within: 20) {
            memory = try Self.memory(of: demo.process.pid)
            return memory.peak - memory.resident >= 25 * 1024
        }, "\(memory.resident / 1024) MiB resident, at most \(memory.peak / 1024) MiB at start")
        #expect(try await demo.stop())
    }

    /// A process's resident memory and its peak (VmRSS and VmHWM), in KiB.
    private static func memory(of pid: Int32) throws -> (resident: Int, peak: Int) {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        func kibibytes(_ key: String) -> Int {
            status.split(separator: "\n").first { $0.hasPrefix(key + ":") }
                .flatMap { Int($0.split { $0 == " " || $0 == "\t" }.dropFirst().first ?? "") } ?? 0
        }
        return (kibibytes("VmRSS"), kibibytes("VmHWM"))
    }

    @Test("a running broker gives blocks of 12 KiB and more pages of their own rather than grow the heap, so an idle connection's large buffers hold only the pages it writes")
    func largeBlocksAreMappedApart() async throws {
        // Under a sanitizer its own allocator serves every block, and glibc's setting has nothing to act on.
        guard !TestLimits.sanitized else { return }
        // The setting is the process's, made as the broker starts (other tests' brokers in this
        // process may have made it already; run alone, this test sees only its own broker's).
        try await withBroker { _ in
            // glibc serves such a block from free space already in its heaps when they have
            // some, and otherwise maps it at the start of pages of its own, the block's 16-byte
            // header first (in a heap a block lands there about once in 256). The heaps of a
            // process that ran brokers can hold tens of MiB free in pieces this large (each
            // broker's release at start, `malloc_trim`, merges freed pieces first), so blocks
            // enough to take up all the free space they hold now (`mallinfo2`), and 16 MiB more
            // for what other tests free meanwhile, go first; the 1,024 after them are counted.
            let size = LargeAllocations.threshold + 4096
            let filling = (0..<(Int(mallinfo2().fordblks) / size + 1024)).map { _ in malloc(size) }
            defer { filling.forEach { free($0) } }
            let blocks = (0..<1024).map { _ in malloc(size) }
            defer { blocks.forEach { free($0) } }
            let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
            let apart = blocks.filter { Int(bitPattern: $0) % pageSize == 16 }.count
            #expect(apart >= 512, "\(apart) of 1,024 blocks of 16 KiB on pages of their own")
        }
    }
}
