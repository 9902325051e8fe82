// ThreadSanitizer reports a race in this program, which shares no data between threads but the
// continuation itself (see scripts/tsan-suppressions): a task awaits a continuation that
// another thread resumes, then calls an async function, whose frame reuses the task-allocator
// memory the resume read. Run it to see whether a Swift release still reports it:
//   swiftc -sanitize=thread -g -parse-as-library Tests/sanitizers/ContinuationResume.swift -o /tmp/resume
//   /tmp/resume                                                          # exit 66: reported
//   TSAN_OPTIONS=suppressions=scripts/tsan-suppressions /tmp/resume      # exit 0
// Swift 6.3.1, 5 December 2026: one report in 200,000 rounds, every run.
import Foundation

/// A thread that runs closures handed to it under a pthread mutex (which ThreadSanitizer sees).
final class Resumer: @unchecked Sendable {
    private let condition = NSCondition()
    private var work: [() -> Void] = []

    init() {
        let thread = Thread { [self] in
            while true {
                condition.lock()
                while work.isEmpty { condition.wait() }
                let next = work.removeFirst()
                condition.unlock()
                next()
            }
        }
        thread.start()
    }

    func submit(_ body: @escaping () -> Void) {
        condition.lock()
        work.append(body)
        condition.signal()
        condition.unlock()
    }
}

/// An async function with a frame of its own in the task's allocator, which it writes.
@inline(never)
func useFrame(_ value: Int) async -> Int {
    var local = (value, value &+ 1, value &+ 2, value &+ 3)
    await Task.yield()
    local.0 &+= local.3
    return local.0
}

@main
struct Repro {
    static func main() async {
        let resumer = Resumer()
        var total = 0
        for round in 0..<200_000 {
            let value: Int = await withUnsafeContinuation { continuation in
                resumer.submit { continuation.resume(returning: round) }
            }
            total &+= await useFrame(value)
        }
        print("done", total)
    }
}
