public import Foundation

/// What one area's deadlines are counted in: its time zone, when its school day starts, the
/// bank holidays, and the school terms with their staff training (INSET) days. Built from the
/// calendar file an operator updates each year (`AreaCalendar(parsing:)`); no I/O here.
public struct AreaCalendar: Sendable {
    /// A school term or half term: every date from `from` to `to`, both included.
    public struct Term: Sendable, Hashable {
        /// The first day of the term.
        public let from: LocalDate
        /// The last day of the term.
        public let to: LocalDate

        func contains(_ date: LocalDate) -> Bool {
            from <= date && date <= to
        }
    }

    /// The area's time zone, such as Europe/London (with summer time).
    public let timeZone: TimeZone
    /// When the school day starts, local time (08:30 unless the file says otherwise).
    public let schoolDayStart: TimeOfDay
    /// Bank holidays, as local dates (substitute days, never the weekend day they replace).
    public let bankHolidays: Set<LocalDate>
    /// The terms in date order, none overlapping; the gaps between them are school holidays.
    public let terms: [Term]
    /// Days within terms on which pupils are not in school.
    public let insetDays: Set<LocalDate>
    /// The first and last years whose bank holidays are listed (every year between them too).
    public let bankHolidayYears: ClosedRange<Int>
    let calendar: Calendar

    init(timeZone: TimeZone, schoolDayStart: TimeOfDay, bankHolidays: Set<LocalDate>, terms: [Term],
         insetDays: Set<LocalDate>, bankHolidayYears: ClosedRange<Int>) {
        self.timeZone = timeZone
        self.schoolDayStart = schoolDayStart
        self.bankHolidays = bankHolidays
        self.terms = terms
        self.insetDays = insetDays
        self.bankHolidayYears = bankHolidayYears
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    /// Monday to Friday and not a bank holiday.
    public func isWorkingDay(_ date: LocalDate) -> Bool {
        !date.isWeekend && !bankHolidays.contains(date)
    }

    /// A working day within a term that is not an INSET day: a day pupils are in school.
    public func isSchoolDay(_ date: LocalDate) -> Bool {
        isWorkingDay(date) && !insetDays.contains(date) && terms.contains { $0.contains(date) }
    }

    /// The date `instant` falls on in the area's time zone.
    public func localDate(of instant: Date) -> LocalDate {
        LocalDate(instant, in: calendar)
    }

    /// Midday on `date` in the area: an instant whose local date is `date`, to count from.
    public func midday(of date: LocalDate) -> Date {
        instant(date, at: TimeOfDay("12:00")!)
    }

    /// The instant the area's clocks show `time` on `date`.
    func instant(_ date: LocalDate, at time: TimeOfDay, second: Int = 0) -> Date {
        calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day,
                                           hour: time.hour, minute: time.minute, second: second))!
    }
}
