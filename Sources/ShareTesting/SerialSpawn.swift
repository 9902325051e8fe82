public import Foundation
import Synchronization

extension Process {
    /// Starts the process while holding one lock for the whole test process. Foundation's
    /// `Process.run()` on Linux crashed once (in a `memcpy` inside it) while other tests were
    /// starting processes at the same moment; starting one at a time costs a few
    /// milliseconds and rules that race out. Every test starts its children through this.
    public func runSerially() throws {
        try spawnLock.withLock { _ in try run() }
    }
}

private let spawnLock = Mutex(())
