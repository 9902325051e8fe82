public import Foundation
public import ShareModel

/// A calendar file that cannot be used: where (a JSON Pointer) and what to fix.
public struct CalendarFileError: Error, Sendable, CustomStringConvertible {
    /// Where in the file the mistake is.
    public let pointer: JSONPointer
    /// What is wrong and how to put it right.
    public let reason: String

    init(_ pointer: JSONPointer, _ reason: String) {
        self.pointer = pointer
        self.reason = reason
    }

    public var description: String {
        "\(pointer.description.isEmpty ? "the file" : pointer.description): \(reason)"
    }
}

extension AreaCalendar {
    /// Reads a calendar file (README "Calendars and deadlines"):
    /// `{"timeZone", "schoolDayStart"?, "bankHolidays", "terms": [{"from", "to"}], "insetDays"?, "$comment"?}`.
    /// Terms must be in date order without overlapping, INSET days must be school weekdays within
    /// a term, bank holidays must be weekdays, and every year from the first to the last bank
    /// holiday, and every year a term touches, must have bank holidays listed.
    public init(parsing data: Data) throws(CalendarFileError) {
        let document: [JSONKey: JSONValue]
        do {
            guard let object = try JSONValue(parsing: data).objectValue else {
                throw CalendarFileError(.root, "A calendar file is a JSON object.")
            }
            document = object
        } catch let error as CalendarFileError {
            throw error
        } catch {
            throw CalendarFileError(.root, "The file is not JSON: \(error).")
        }
        let fields: Set<JSONKey> = ["timeZone", "schoolDayStart", "bankHolidays", "terms", "insetDays", "$comment"]
        if let unknown = document.keys.sorted().first(where: { !fields.contains($0) }) {
            throw CalendarFileError(JSONPointer.root.appending(unknown.string),
                                    "'\(unknown)' is not a calendar field; the fields are \(fields.map(\.string).sorted().joined(separator: ", ")).")
        }
        guard let zoneName = document["timeZone"]?.stringValue, let timeZone = TimeZone(identifier: zoneName) else {
            throw CalendarFileError("/timeZone", "Give the area's IANA time zone, such as \"Europe/London\".")
        }
        var start = TimeOfDay("08:30")!
        if let value = document["schoolDayStart"] {
            guard let text = value.stringValue, let time = TimeOfDay(text) else {
                throw CalendarFileError("/schoolDayStart", "Give the start of the school day as \"HH:MM\", such as \"08:30\".")
            }
            start = time
        }
        let bankHolidays = try Self.dates(document["bankHolidays"], at: "/bankHolidays")
        for (index, date) in bankHolidays.enumerated() where date.isWeekend {
            throw CalendarFileError(JSONPointer("/bankHolidays").appending(index),
                                    "\(date) is a \(date.weekdayName); list the substitute weekday instead.")
        }
        guard let firstYear = bankHolidays.map(\.year).min(), let lastYear = bankHolidays.map(\.year).max() else {
            throw CalendarFileError("/bankHolidays", "List the bank holidays of at least one year (gov.uk/bank-holidays).")
        }
        let listedYears = Set(bankHolidays.map(\.year))
        if let missing = (firstYear...lastYear).first(where: { !listedYears.contains($0) }) {
            throw CalendarFileError("/bankHolidays", "No bank holidays are listed for \(missing); list every year from \(firstYear) to \(lastYear).")
        }
        let terms = try Self.terms(document["terms"], bankHolidayYears: firstYear...lastYear)
        var insetDays: [LocalDate] = []
        if let value = document["insetDays"] {
            insetDays = try Self.dates(value, at: "/insetDays")
        }
        for (index, date) in insetDays.enumerated() where date.isWeekend || !terms.contains(where: { $0.contains(date) }) {
            throw CalendarFileError(JSONPointer("/insetDays").appending(index),
                                    "\(date) is not a weekday within a term; INSET days are days in term when pupils are not in school.")
        }
        self.init(timeZone: timeZone, schoolDayStart: start, bankHolidays: Set(bankHolidays), terms: terms,
                  insetDays: Set(insetDays), bankHolidayYears: firstYear...lastYear)
    }

    private static func dates(_ value: JSONValue?, at pointer: JSONPointer) throws(CalendarFileError) -> [LocalDate] {
        guard let items = value?.arrayValue else {
            throw CalendarFileError(pointer, "Give an array of dates such as \"2027-05-03\".")
        }
        var dates: [LocalDate] = []
        for (index, item) in items.enumerated() {
            guard let date = item.stringValue.flatMap(LocalDate.init) else {
                throw CalendarFileError(pointer.appending(index), "Give a date as YYYY-MM-DD, such as \"2027-05-03\".")
            }
            dates.append(date)
        }
        return dates
    }

    private static func terms(_ value: JSONValue?, bankHolidayYears: ClosedRange<Int>) throws(CalendarFileError) -> [Term] {
        guard let items = value?.arrayValue, !items.isEmpty else {
            throw CalendarFileError("/terms", "Give the terms as an array of {\"from\": \"YYYY-MM-DD\", \"to\": \"YYYY-MM-DD\"}, in date order.")
        }
        var terms: [Term] = []
        for (index, item) in items.enumerated() {
            let at = JSONPointer("/terms").appending(index)
            guard let members = item.objectValue, Set(members.keys) == ["from", "to"] else {
                throw CalendarFileError(at, "A term is {\"from\": \"YYYY-MM-DD\", \"to\": \"YYYY-MM-DD\"}, both days included.")
            }
            guard let from = members["from"]?.stringValue.flatMap(LocalDate.init) else {
                throw CalendarFileError(at.appending("from"), "Give the term's first day as YYYY-MM-DD.")
            }
            guard let to = members["to"]?.stringValue.flatMap(LocalDate.init), from <= to else {
                throw CalendarFileError(at.appending("to"), "Give the term's last day as YYYY-MM-DD, not before its first day \(from).")
            }
            if let previous = terms.last, from <= previous.to {
                throw CalendarFileError(at.appending("from"), "Terms must be in date order without overlapping; this one starts on or before \(previous.to), when the one before ends.")
            }
            for year in [from.year, to.year] where !bankHolidayYears.contains(year) {
                throw CalendarFileError(at, "This term falls in \(year), whose bank holidays are not listed in /bankHolidays.")
            }
            terms.append(Term(from: from, to: to))
        }
        return terms
    }
}
