import ShareCalendar
import Testing

/// "Within N working days", in exact UTC instants: the end of day N, 23:59:59.999 local.
@Suite("Working days")
struct WorkingDaysTests {
    let calendar: AreaCalendar

    init() throws {
        calendar = try Fixtures.calendar()
    }

    func due(_ count: Int, _ from: String) throws -> String? {
        try Fixtures.due(.workingDays(count), from: from, in: calendar)
    }

    @Test("five working days from a Saturday end on Friday")
    func weekend() throws {
        #expect(try due(5, "2027-01-16T10:00:00Z") == "2027-01-22T23:59:59.999Z")
    }

    @Test("day 1 is the next working day, whatever the time on the day it happened")
    func dayOne() throws {
        #expect(try due(1, "2027-01-12T00:00:00Z") == "2027-01-13T23:59:59.999Z")
        #expect(try due(1, "2027-01-12T23:59:59Z") == "2027-01-13T23:59:59.999Z")
    }

    @Test("Easter and the start of summer time: one working day from Maundy Thursday ends Tuesday 23:59:59.999 BST")
    func easterAndSummerTime() throws {
        #expect(try due(1, "2027-03-25T12:00:00Z") == "2027-03-30T22:59:59.999Z")
    }

    @Test("Christmas and New Year bank holidays are skipped")
    func christmas() throws {
        #expect(try due(5, "2026-12-24T10:00:00Z") == "2027-01-05T23:59:59.999Z")
    }

    @Test("the end of summer time (31 October 2027): BST before, GMT after")
    func summerTimeEnds() throws {
        #expect(try due(1, "2027-10-22T12:00:00Z") == "2027-10-25T22:59:59.999Z")
        #expect(try due(1, "2027-10-29T12:00:00Z") == "2027-11-01T23:59:59.999Z")
    }

    @Test("school holidays are working days")
    func halfTerm() throws {
        #expect(try due(1, "2026-10-23T12:00:00Z") == "2026-10-26T23:59:59.999Z")
    }

    @Test("the local date counts: 23:30 UTC on a June Thursday is Friday in London")
    func localDate() throws {
        #expect(try due(1, "2027-06-10T23:30:00Z") == "2027-06-14T22:59:59.999Z")
    }

    @Test("no answer when a day counted falls in a year whose bank holidays are not listed")
    func beyondTheBankHolidays() throws {
        #expect(try due(3, "2027-12-24T10:00:00Z") == "2027-12-31T23:59:59.999Z")
        #expect(try due(4, "2027-12-24T10:00:00Z") == nil)
    }
}
