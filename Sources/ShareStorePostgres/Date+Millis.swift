import Foundation

extension Date {
    /// Milliseconds since 1970, as the store keeps times (rounded down, as the SQLite store does).
    var millis: Int { Int((timeIntervalSince1970 * 1000).rounded(.down)) }

    init(millis: Int) {
        self.init(timeIntervalSince1970: Double(millis) / 1000)
    }
}
