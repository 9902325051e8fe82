import Foundation
public import ShareCalendar

/// A deadline as the sharing policy states it, in this field's units: `hours:N` (N above 0,
/// fractions allowed), or a calendar rule (`next-school-day`, `working-days:N`) counted on an
/// area's calendar.
public enum Deadline: Sendable, Hashable, CustomStringConvertible {
    /// A plain duration.
    case hours(Double)
    /// Counted on an area's calendar.
    case calendar(DeadlineRule)

    /// What a policy may write, for error messages.
    public static let names = "hours:N (N above 0), \(DeadlineRule.names)"

    /// Reads `hours:N`, `next-school-day` or `working-days:N`; nil otherwise.
    public init?(_ text: String) {
        let prefix = "hours:"
        if text.hasPrefix(prefix) {
            let number = text.dropFirst(prefix.count)
            guard let hours = Double(number), hours > 0, hours.isFinite,
                  number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
            self = .hours(hours)
            return
        }
        guard let rule = DeadlineRule(text) else { return nil }
        self = .calendar(rule)
    }

    public var description: String {
        switch self {
        case .hours(let hours): "hours:\(hours.rounded() == hours ? String(Int(hours)) : String(hours))"
        case .calendar(let rule): rule.description
        }
    }
}
