public import Foundation
public import ShareBroker
import ShareLocking

/// A clock the test moves by hand, so deadlines and visibility timeouts need no sleeping.
public final class TestClock: BrokerClock {
    private let current: Locked<Date>

    public init(_ start: Date = Date()) {
        current = Locked(start)
    }

    public func now() -> Date {
        current.withLock { $0 }
    }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
