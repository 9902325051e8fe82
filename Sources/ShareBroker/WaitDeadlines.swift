/// When each waiting long poll or stream must be woken if nothing wakes it first, kept in
/// buckets of `resolution` (in nanoseconds of uptime) so that one timer, set for the earliest
/// bucket, serves them all: a stream waits after nearly every delivery, and a timer of its own
/// per wait (living out its whole timeout, 15 s for a heartbeat, after a delivery had woken
/// the stream) left tens of thousands pending on a busy node. A wait ends at most
/// `resolution` after its deadline, never before. A plain value; the notifier keeps it under
/// its lock and sets its timer as answered.
package struct WaitDeadlines<Waiter: Hashable> {
    /// The width of a bucket: 20 ms.
    package static var resolution: UInt64 { 20_000_000 }

    private var buckets: [UInt64: Set<Waiter>] = [:]
    private var bucketOf: [Waiter: UInt64] = [:]
    /// The end of the bucket the timer is set for, if it is set.
    private var timerAt: UInt64?

    package init() {}

    package var isEmpty: Bool { bucketOf.isEmpty }

    /// Adds `waiter`, due at `deadline`; answers the time to set the timer for when its bucket
    /// ends before the one the timer is set for (nil: leave the timer as it is).
    package mutating func add(_ waiter: Waiter, dueAt deadline: UInt64) -> UInt64? {
        let bucket = deadline / Self.resolution + 1
        buckets[bucket, default: []].insert(waiter)
        bucketOf[waiter] = bucket
        let end = bucket * Self.resolution
        guard timerAt.map({ end < $0 }) ?? true else { return nil }
        timerAt = end
        return end
    }

    /// Forgets `waiter` (woken otherwise); its bucket's timer, if it was the last, fires for nothing.
    package mutating func remove(_ waiter: Waiter) {
        guard let bucket = bucketOf.removeValue(forKey: waiter) else { return }
        buckets[bucket]?.remove(waiter)
        if buckets[bucket]?.isEmpty == true { buckets.removeValue(forKey: bucket) }
    }

    /// The timer fired at `now`: removes and answers the waiters due, and the time to set the
    /// timer for next (nil: no waiter left, the timer stays unset).
    package mutating func takeDue(at now: UInt64) -> (due: [Waiter], next: UInt64?) {
        var due: [Waiter] = []
        for bucket in buckets.keys.filter({ $0 * Self.resolution <= now }) {
            for waiter in buckets.removeValue(forKey: bucket) ?? [] {
                bucketOf.removeValue(forKey: waiter)
                due.append(waiter)
            }
        }
        timerAt = buckets.keys.min().map { $0 * Self.resolution }
        return (due, timerAt)
    }
}
