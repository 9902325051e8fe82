import Foundation

/// Times as a reader in the UK reads them: Europe/London, with GMT or BST said.
enum UKTime {
    static let zone = TimeZone(identifier: "Europe/London") ?? .gmt

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Such as "Sat 5 Dec 2026, 09:31 GMT".
    static func text(_ date: Date) -> String {
        let parts = calendar.dateComponents([.weekday, .day, .month, .year, .hour, .minute], from: date)
        let zoneName = zone.isDaylightSavingTime(for: date) ? "BST" : "GMT"
        return "\(days[(parts.weekday ?? 1) - 1]) \(parts.day ?? 0) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 0), "
            + String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0) + " " + zoneName
    }

    /// Such as "December 2026", for a YYYY-MM month.
    static func month(_ yearMonth: String) -> String {
        let parts = yearMonth.split(separator: "-")
        guard parts.count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return yearMonth }
        let names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                     "November", "December"]
        return "\(names[month - 1]) \(parts[0])"
    }

    /// The instant a YYYY-MM-DD date begins in the UK; nil if it is not such a date.
    static func startOfDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// The instant the day after a YYYY-MM-DD date begins in the UK.
    static func endOfDay(_ text: String) -> Date? {
        startOfDay(text).flatMap { calendar.date(byAdding: .day, value: 1, to: $0) }
    }
}
