import ShareLocking

/// How many rounds a repeating service (the timers, the webhook pusher) has completed, so
/// that a test can wait for a whole round to run after it changed something, instead of
/// sleeping and hoping one did.
public final class ServiceRounds: Sendable {
    private let count = Locked(0)

    public init() {}

    /// Rounds completed so far.
    public var completed: Int { count.withLock { $0 } }

    func complete() {
        count.withLock { $0 += 1 }
    }
}
