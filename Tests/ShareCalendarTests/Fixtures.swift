import Foundation
import ShareCalendar
import ShareModel
import Testing

/// A calendar shaped like a local authority's: England and Wales bank holidays for 2026 and
/// 2027, six half terms of 2026-27 and the autumn of 2027, and five INSET days.
enum Fixtures {
    static var document: [String: Any] {
        [
            "timeZone": "Europe/London",
            "bankHolidays": [
                "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
                "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
            ],
            "terms": [
                ["2026-09-02", "2026-10-23"], ["2026-11-02", "2026-12-18"], ["2027-01-04", "2027-02-12"],
                ["2027-02-22", "2027-03-25"], ["2027-04-12", "2027-05-28"], ["2027-06-07", "2027-07-21"],
                ["2027-09-01", "2027-10-22"], ["2027-11-01", "2027-12-17"],
            ].map { ["from": $0[0], "to": $0[1]] },
            "insetDays": ["2026-09-02", "2026-09-03", "2026-11-02", "2027-01-04", "2027-06-07"],
        ]
    }

    /// The fixture after `edit`, parsed.
    static func calendar(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> AreaCalendar {
        var document = document
        edit(&document)
        return try AreaCalendar(parsing: try JSONSerialization.data(withJSONObject: document))
    }

    /// The deadline for `rule` from the RFC 3339 instant `from`, written as the broker writes it.
    static func due(_ rule: DeadlineRule, from: String, in calendar: AreaCalendar) throws -> String? {
        try calendar.dueBy(rule, from: #require(Timestamp.parse(from))).map(Timestamp.format)
    }
}
