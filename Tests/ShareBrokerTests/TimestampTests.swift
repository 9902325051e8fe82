import Foundation
import ShareModel
import Testing

@Suite("RFC 3339 timestamps")
struct TimestampTests {
    // 2026-11-22T09:31:00Z, computed outside Swift (Python datetime).
    private let instant = Date(timeIntervalSince1970: 1_795_339_860)

    // UTC with Z, and with a lowercase z and t, is the same instant.
    @Test(arguments: ["2026-11-22T09:31:00Z", "2026-11-22t09:31:00z", "2026-11-22T09:31:00+00:00", "2026-11-22T09:31:00-00:00"])
    func parsesUTC(text: String) {
        #expect(Timestamp.parse(text) == instant)
    }

    // A numeric offset is applied: +01:00 is an hour ahead of UTC, -05:30 five and a half behind.
    @Test func appliesOffsets() {
        #expect(Timestamp.parse("2026-11-22T10:31:00+01:00") == instant)
        #expect(Timestamp.parse("2026-11-22T04:01:00-05:30") == instant)
        #expect(Timestamp.parse("2026-11-23T00:31:00+15:00") == instant)
    }

    // Fractional seconds of any length are kept.
    @Test func parsesFractionalSeconds() throws {
        let half = try #require(Timestamp.parse("2026-11-22T09:31:00.5Z"))
        #expect(abs(half.timeIntervalSince(instant) - 0.5) < 1e-6)
        let micro = try #require(Timestamp.parse("2026-11-22T09:31:00.123456Z"))
        #expect(abs(micro.timeIntervalSince(instant) - 0.123456) < 1e-6)
        let offset = try #require(Timestamp.parse("2026-11-22T10:31:00.250+01:00"))
        #expect(abs(offset.timeIntervalSince(instant) - 0.25) < 1e-6)
    }

    // Real calendar dates only, including leap days.
    @Test func checksCalendar() {
        #expect(Timestamp.parse("2028-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parse("2027-02-29T00:00:00Z") == nil)
        #expect(Timestamp.parse("2026-04-31T00:00:00Z") == nil)
    }

    // Text that is not an RFC 3339 date-time is refused, not guessed at.
    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2026-11-22T09:31:00", "2026-11-22 09:31:00Z", "2026-11-22T24:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-22T09:60:00Z",
        "2026-11-22T09:31:00.Z", "2026-11-22T09:31:00+0100", "2026-11-22T09:31:00+01", "2026-11-22T09:31:00ZZ",
        "2026-11-22T09:31:00+24:00", "2026-11-22", "2026-11-22T9:31:00Z", "2026/11/22T09:31:00Z", "",
        "2026-11-22T09:31:00 Z", "+2026-11-22T09:31:00Z",
    ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    // Formatting gives UTC with milliseconds, whatever zone the reader is in.
    @Test func formatsUTCWithMilliseconds() throws {
        #expect(Timestamp.format(instant) == "2026-11-22T09:31:00.000Z")
        #expect(Timestamp.format(instant.addingTimeInterval(0.25)) == "2026-11-22T09:31:00.250Z")
        #expect(Timestamp.format(instant.addingTimeInterval(-86_400.5)) == "2026-11-21T09:30:59.500Z")
        #expect(Timestamp.format(try #require(Timestamp.parse("2026-11-22T10:31:00.5+01:00"))) == "2026-11-22T09:31:00.500Z")
    }

    // parse(format(d)) is d to the millisecond, so times survive the event record.
    @Test func roundTripsToTheMillisecond() throws {
        for _ in 0..<500 {
            let date = instant.addingTimeInterval(Double.random(in: -1e8...1e8))
            let back = try #require(Timestamp.parse(Timestamp.format(date)))
            #expect(abs(back.timeIntervalSince(date)) < 0.001)
        }
    }

    // A time with a whole number of milliseconds (as the store keeps times) is written as exactly that millisecond.
    @Test func formatsEveryMillisecondExactly() {
        var wrong: [String] = []
        for millis in 0..<1000 {
            let date = Date(timeIntervalSince1970: Double(1_795_339_860_000 + millis) / 1000)
            let expected = "2026-11-22T09:31:00." + String(format: "%03d", millis) + "Z"
            let text = Timestamp.format(date)
            if text != expected { wrong.append("\(expected) -> \(text)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of 1000 written a millisecond early, e.g. \(wrong.prefix(3))")
    }

    // Text with milliseconds, parsed and written again, is unchanged (what a sender sent is what is echoed).
    @Test func formatOfParsedTextIsUnchanged() throws {
        var wrong: [String] = []
        for millis in 0..<1000 {
            let text = "2026-11-22T09:31:00." + String(format: "%03d", millis) + "Z"
            let again = Timestamp.format(try #require(Timestamp.parse(text)))
            if again != text { wrong.append("\(text) -> \(again)") }
        }
        #expect(wrong.isEmpty, "\(wrong.count) of 1000 changed, e.g. \(wrong.prefix(3))")
    }

    // A full-date (such as expectedDeliveryDate) is checked like the date part of a date-time.
    @Test func fullDates() {
        #expect(Timestamp.isFullDate("2027-02-14"))
        #expect(!Timestamp.isFullDate("2027-02-30"))
        #expect(!Timestamp.isFullDate("2027-2-14"))
        #expect(!Timestamp.isFullDate("2027-02-14T00:00:00Z"))
    }

    // The calendar arithmetic agrees with Foundation's ISO 8601 formatter for every day from
    // 1900 to 2400 (leap years and centuries included), and reads back what it writes.
    @Test func agreesWithFoundationAcrossCenturies() throws {
        let foundation = Date.ISO8601FormatStyle(timeZone: .gmt)
        var day = Date(timeIntervalSince1970: -2_208_988_800)
        let end = Date(timeIntervalSince1970: 13_569_465_600)
        while day < end {
            let moment = day.addingTimeInterval(45_296.789)
            let text = Timestamp.format(moment)
            #expect(text == moment.formatted(foundation).dropLast() + ".789Z")
            #expect(abs(try #require(Timestamp.parse(text)).timeIntervalSince(moment)) < 0.0005)
            day = day.addingTimeInterval(86_400 * 3 + 1)
        }
    }
}
