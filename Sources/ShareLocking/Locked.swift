import NIOConcurrencyHelpers

/// A value that one thread at a time reads or changes: the lock every module of ours uses.
///
/// It has `Synchronization.Mutex`'s shape (`withLock`, `sending` in and out) but a pthread
/// mutex underneath (NIOLock). On Linux, `Mutex` waits and wakes through a futex in the
/// standard library, which ThreadSanitizer does not see, so under contention it reports races
/// on every value `Mutex` guards; it intercepts pthread mutexes and sees this lock's ordering.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is read and written only while `lock` is held, and it comes
    // in and goes out as `sending`, as with `Mutex`.
    private let lock = NIOLock()
    private var value: Value

    public init(_ value: sending Value) {
        self.value = value
    }

    /// Runs `body` with the value while holding the lock.
    public func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
