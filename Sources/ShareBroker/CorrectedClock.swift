public import Foundation
import ShareLocking

/// A clock that agrees with a reference clock elsewhere (the database's, which every node of
/// a cluster shares): the base clock plus the offset last measured against the reference.
/// Nodes whose own clocks differ by seconds then agree on when a delivery becomes visible
/// again or a message expires, to within a round trip to the reference.
public final class CorrectedClock: BrokerClock {
    private let base: any BrokerClock
    private let offset = Locked<TimeInterval>(0)

    public init(base: any BrokerClock) {
        self.base = base
    }

    public func now() -> Date {
        base.now().addingTimeInterval(offset.withLock { $0 })
    }

    /// The base clock, uncorrected, for timing a measurement.
    public func baseNow() -> Date {
        base.now()
    }

    /// Takes a reading of the reference, asked for at `sent` and answered at `received` (both
    /// by the base clock), as the reference's time at the midpoint; returns the new offset.
    @discardableResult
    public func correct(reference: Date, sent: Date, received: Date) -> TimeInterval {
        let midpoint = sent.addingTimeInterval(received.timeIntervalSince(sent) / 2)
        let measured = reference.timeIntervalSince(midpoint)
        offset.withLock { $0 = measured }
        return measured
    }

    /// The offset in use: the reference's time minus the base clock's.
    public var currentOffset: TimeInterval { offset.withLock { $0 } }
}
