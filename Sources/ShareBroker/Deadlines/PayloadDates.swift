import Foundation
import ShareCalendar
import ShareModel

/// Dates inside a payload that must not contradict the deadlines they state: a domestic abuse
/// notification's next school day is not before the incident; a serious incident's rapid review
/// and the partners' contributions to it are due after the local authority became aware, the
/// contributions no later than the review, and the review within the 15 working days the
/// guidance allows, counted on the area's calendar (Schemas/README.md "Deadlines"). The schema
/// checks each date's form; this checks their order.
struct PayloadDates {
    /// How the date at a rule's pointer must relate to another date of the payload (`name` says
    /// which, for people).
    enum Bound {
        case notBefore(JSONPointer, name: String)
        case notAfter(JSONPointer, name: String)
        /// At most this many working days after the other date, on the area's calendar.
        case withinWorkingDays(Int, after: JSONPointer, name: String)
    }

    /// One rule: the date at `pointer`, if present, keeps to `bound`.
    struct Rule {
        let pointer: JSONPointer
        let bound: Bound
    }

    /// The rules, by message type.
    static let rules: [String: [Rule]] = [
        "domestic-abuse-notification/1": [
            Rule(pointer: "/payload/nextSchoolDay", bound: .notBefore("/payload/incidentAt", name: "the incident (incidentAt)")),
        ],
        "serious-incident-notification/1": [
            Rule(pointer: "/payload/rapidReviewDueDate", bound: .notBefore("/payload/awareDate", name: "awareDate")),
            Rule(pointer: "/payload/rapidReviewDueDate",
                 bound: .withinWorkingDays(15, after: "/payload/awareDate", name: "awareDate")),
            Rule(pointer: "/payload/contributionsDueDate", bound: .notBefore("/payload/awareDate", name: "awareDate")),
            Rule(pointer: "/payload/contributionsDueDate", bound: .notAfter("/payload/rapidReviewDueDate", name: "the rapid review (rapidReviewDueDate)")),
        ],
    ]

    /// Each rule of the message's type that its payload breaks, as a problem at the date's
    /// pointer. Working days are counted on `calendar` (the message area's); without one, those
    /// rules are not checked (a type with a calendar deadline is refused without one anyway).
    static func problems(in document: JSONValue, type: String, calendar: AreaCalendar?) -> [ValidationProblem] {
        (rules[type] ?? []).compactMap { rule in
            guard let date = localDate(document, rule.pointer) else { return nil }
            let fix = "give the date this deadline really falls on."
            switch rule.bound {
            case .notBefore(let other, let name):
                guard let bound = localDate(document, other), date < bound else { return nil }
                return ValidationProblem(pointer: rule.pointer, message: "\(date) is before \(name), \(bound); \(fix)")
            case .notAfter(let other, let name):
                guard let bound = localDate(document, other), bound < date else { return nil }
                return ValidationProblem(pointer: rule.pointer, message: "\(date) is after \(name), \(bound); \(fix)")
            case .withinWorkingDays(let count, let other, let name):
                guard let start = localDate(document, other), let calendar,
                      let due = calendar.workingDays(count, from: calendar.midday(of: start)).map(calendar.localDate(of:)),
                      due < date else { return nil }
                return ValidationProblem(pointer: rule.pointer, message: "\(date) is later than \(count) working days after \(name) (\(start)): it is due by \(due) on the area's calendar; \(fix)")
            }
        }
    }

    /// The date at `pointer`: a date as written, or the date a date-time is written with (in its own offset).
    private static func localDate(_ document: JSONValue, _ pointer: JSONPointer) -> LocalDate? {
        document.value(at: pointer)?.stringValue.flatMap { LocalDate(String($0.prefix(10))) }
    }
}
