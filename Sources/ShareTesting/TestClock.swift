public import Foundation
public import ShareBroker
import Synchronization

/// A clock the test moves by hand, so deadlines and visibility timeouts need no sleeping.
public final class TestClock: BrokerClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    public func now() -> Date {
        current.withLock { $0 }
    }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
