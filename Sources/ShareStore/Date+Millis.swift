public import Foundation

extension Date {
    /// Milliseconds since 1970, as every store keeps times (rounded down; see `Store`, "Times").
    public var millis: Int { Int((timeIntervalSince1970 * 1000).rounded(.down)) }

    public init(millis: Int) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// This time as a store gives it back: to the millisecond, rounded down.
    public var asStored: Date { Date(millis: millis) }
}
