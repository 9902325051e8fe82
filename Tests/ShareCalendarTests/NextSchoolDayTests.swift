import ShareCalendar
import Testing

/// "Before the start of the next school day", in exact UTC instants.
@Suite("Next school day")
struct NextSchoolDayTests {
    let calendar: AreaCalendar

    init() throws {
        calendar = try Fixtures.calendar()
    }

    func due(_ from: String) throws -> String? {
        try Fixtures.due(.nextSchoolDay, from: from, in: calendar)
    }

    @Test("Friday evening is due Monday at 08:30 (January: GMT)")
    func weekend() throws {
        #expect(try due("2027-01-15T20:00:00Z") == "2027-01-18T08:30:00.000Z")
    }

    @Test("before the start of a school day it is due that morning; at the start, the next school day")
    func sameMorning() throws {
        #expect(try due("2027-01-12T07:00:00Z") == "2027-01-12T08:30:00.000Z")
        #expect(try due("2027-01-12T08:29:59.999Z") == "2027-01-12T08:30:00.000Z")
        #expect(try due("2027-01-12T08:30:00Z") == "2027-01-13T08:30:00.000Z")
    }

    @Test("the local date counts, not the UTC one: 23:30 UTC in June is 00:30 the next day in London")
    func localDate() throws {
        #expect(try due("2027-06-10T23:30:00Z") == "2027-06-11T07:30:00.000Z")
    }

    @Test("a bank holiday in term is skipped: Friday before the May Day holiday is due Tuesday 08:30 BST")
    func bankHoliday() throws {
        #expect(try due("2027-04-30T15:00:00Z") == "2027-05-04T07:30:00.000Z")
    }

    @Test("half term, an INSET day and the end of summer time (25 October 2026): due Tuesday 08:30 GMT")
    func halfTermAndInset() throws {
        #expect(try due("2026-10-23T14:00:00Z") == "2026-11-03T08:30:00.000Z")
    }

    @Test("Easter holidays across the start of summer time (28 March 2027): due 12 April 08:30 BST")
    func summerTimeStarts() throws {
        #expect(try due("2027-03-25T09:00:00Z") == "2027-04-12T07:30:00.000Z")
    }

    @Test("October half term across the end of summer time (31 October 2027): due 1 November 08:30 GMT")
    func summerTimeEnds() throws {
        #expect(try due("2027-10-22T14:00:00Z") == "2027-11-01T08:30:00.000Z")
    }

    @Test("the school day starts when the file says")
    func configuredStart() throws {
        let later = try Fixtures.calendar { $0["schoolDayStart"] = "08:45" }
        #expect(try Fixtures.due(.nextSchoolDay, from: "2027-01-12T08:40:00Z", in: later) == "2027-01-12T08:45:00.000Z")
    }

    @Test("no answer outside the terms listed: before the first or after the last")
    func outsideTheTerms() throws {
        #expect(try due("2026-08-20T12:00:00Z") == nil)
        #expect(try due("2027-12-17T12:00:00Z") == nil)
        #expect(try due("2026-09-01T12:00:00Z") == "2026-09-04T07:30:00.000Z", "the day before the first term is known")
    }
}
