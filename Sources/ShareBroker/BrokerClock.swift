public import Foundation

/// Where the broker reads the time. Tests supply their own; nothing else reads the wall clock.
public protocol BrokerClock: Sendable {
    func now() -> Date
}

/// The system's wall clock.
public struct SystemClock: BrokerClock {
    public init() {}
    public func now() -> Date { Date() }
}
