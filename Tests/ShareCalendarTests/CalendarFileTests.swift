import Foundation
import ShareCalendar
import ShareModel
import Testing

/// A calendar file with a mistake is refused with a JSON Pointer to it.
@Suite("Calendar files")
struct CalendarFileTests {
    func pointer(_ edit: (inout [String: Any]) -> Void) -> String? {
        do {
            _ = try Fixtures.calendar(edit)
            return nil
        } catch let error as CalendarFileError {
            return error.pointer.description
        } catch {
            return "not a CalendarFileError: \(error)"
        }
    }

    static func setBankHoliday(_ index: Int, _ value: String) -> (inout [String: Any]) -> Void {
        { document in
            var dates = document["bankHolidays"] as! [String]
            dates[index] = value
            document["bankHolidays"] = dates
        }
    }

    @Test("the fixture itself is accepted, with the default school day start of 08:30")
    func accepted() throws {
        let calendar = try Fixtures.calendar()
        #expect(calendar.schoolDayStart.description == "08:30")
        #expect(calendar.timeZone.identifier == "Europe/London")
        #expect(calendar.terms.count == 8)
    }

    @Test("each mistake is pointed at")
    func mistakes() {
        #expect(pointer { $0["holidays"] = [] } == "/holidays")
        #expect(pointer { $0["timeZone"] = "Europe/Northshire" } == "/timeZone")
        #expect(pointer { $0["schoolDayStart"] = "8:30" } == "/schoolDayStart")
        #expect(pointer(Self.setBankHoliday(2, "2027-02-30")) == "/bankHolidays/2")
        #expect(pointer(Self.setBankHoliday(14, "2027-12-25")) == "/bankHolidays/14", "a Saturday")
        #expect(pointer { $0["bankHolidays"] = ["2026-12-25", "2028-01-03"] } == "/bankHolidays", "2027 missing")
        #expect(pointer { $0["bankHolidays"] = ["2026-12-25"] } == "/terms/2", "a term in 2027")
        #expect(pointer { $0["terms"] = [["from": "2026-09-02", "to": "2026-10-23"], ["from": "2026-10-23", "to": "2026-12-18"]] }
                == "/terms/1/from")
        #expect(pointer { $0["terms"] = [["from": "2026-09-02", "to": "2026-09-01"]] } == "/terms/0/to")
        #expect(pointer { $0["terms"] = [["from": "2026-09-02"]] } == "/terms/0")
        #expect(pointer { $0["insetDays"] = ["2026-10-26"] } == "/insetDays/0", "in half term")
        #expect(pointer { $0["$comment"] = "Fictional term dates." } == nil, "a comment is allowed")
    }

    @Test("the reason says what to fix")
    func reason() {
        #expect(throws: CalendarFileError.self) { try Fixtures.calendar(Self.setBankHoliday(14, "2027-12-25")) }
        do {
            _ = try Fixtures.calendar(Self.setBankHoliday(14, "2027-12-25"))
        } catch let error as CalendarFileError {
            #expect(error.description == "/bankHolidays/14: 2027-12-25 is a Saturday; list the substitute weekday instead.")
        } catch {
            Issue.record(error)
        }
    }
}
