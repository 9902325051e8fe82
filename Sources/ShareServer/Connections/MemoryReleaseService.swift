#if canImport(Glibc)
import CMalloc
#endif
import Dispatch
import Logging
import ServiceLifecycle
import ShareBroker

/// Gives the memory of closed connections back to the operating system. The C library keeps
/// what a closed connection freed (its TLS state, buffers, and its tasks' stacks) in its heaps
/// for reuse, and returns a page only when nothing above it in its heap is still in use; after
/// 10,000 streams closed, 560 MiB of the 690 MiB they took stayed with the broker
/// (BENCHMARKS.md, "10,000 streams"). Every `interval`, once at least `threshold` connections
/// have closed since the last release and fewer than that closed in the last interval, this
/// asks glibc (`malloc_trim`) to return the free pages of its heaps, and asks again `settle`
/// later: a delivery stream whose client went away learns of it only at its next write (the
/// next heartbeat at the latest), and frees its task then. It also releases once, `interval`
/// after it starts: a start with a large agency directory leaves freed memory behind too (a
/// demo of 10,000 agencies about 100 MiB of the 165 MiB it held once started, most of it the
/// demo's rewriting of its configuration). glibc 2.36's `malloc_trim` does not shrink the top
/// of an arena other than the main one, so some of that can stay (BENCHMARKS.md, "What a
/// connection costs before any stream").
struct MemoryReleaseService: Service {
    let gate: ConnectionGate
    /// At least the stream heartbeat interval.
    let settle: Duration
    let logger: Logger
    var interval: Duration = .seconds(5)
    var threshold = 64

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var closed = 0
            var again: ContinuousClock.Instant? = .now
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                let lately = gate.takeClosed()
                closed += lately
                if closed >= threshold && lately < threshold {
                    logger.debug("Returning freed memory to the system", metadata: [ShareLogKey.count: "\(closed)"])
                    closed = 0
                    again = .now + settle
                    await Self.releaseFreeMemory()
                } else if let due = again, due <= .now {
                    again = nil
                    await Self.releaseFreeMemory()
                }
            }
        }
    }

    /// Returns the C heap's free pages to the operating system (glibc only; elsewhere nothing),
    /// on a thread of the system's pool: it can take some milliseconds with a large heap.
    static func releaseFreeMemory() async {
        #if canImport(Glibc)
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global(qos: .utility).async {
                _ = malloc_trim(0)
                done.resume()
            }
        }
        #endif
    }
}
