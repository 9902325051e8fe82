import Foundation
import ShareModel
import ShareServer
import ShareTesting
import Testing

/// `GET /v1/calendar/deadline` over mutual TLS with curl, against the demo's Northshire calendar.
@Suite("Calendar deadlines")
struct CalendarTests {
    /// The JSON object curl received, with its status.
    static func get(_ broker: TestBroker, _ query: String, as agency: String = "oakfield-primary") async throws
        -> (status: Int, body: [String: Any]) {
        let (status, text) = try await broker.curl("/v1/calendar/deadline?\(query)", as: agency)
        let body = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        return (status, try #require(body, "\(status): \(text)"))
    }

    @Test("next-school-day and working-days:N answer the exact UTC instant, for any agency")
    func deadlines() async throws {
        try await withBroker { broker in
            let school = try await Self.get(broker, "area=E99999999&rule=next-school-day&from=2027-03-25T18:00:00Z",
                                            as: "northshire-police")
            #expect(school.status == 200, "\(school.body)")
            #expect(school.body as NSDictionary == [
                "area": "E99999999", "rule": "next-school-day", "from": "2027-03-25T18:00:00.000Z",
                "dueBy": "2027-04-12T07:30:00.000Z",
            ] as NSDictionary, "Easter holidays, then 08:30 BST")
            let serious = try await Self.get(broker, "area=E99999999&rule=working-days:5&from=2026-12-24T10:00:00%2B01:00",
                                             as: "northshire-csc")
            #expect(serious.body["from"] as? String == "2026-12-24T09:00:00.000Z")
            #expect(serious.body["dueBy"] as? String == "2027-01-05T23:59:59.999Z", "Christmas, 28 December and New Year skipped")
        }
    }

    @Test("the README's example query answers what the README says it does")
    func readmeExample() async throws {
        let readme = try String(contentsOf: RepositoryPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Calendars and deadlines\n").dropFirst().first)
        let query = try #require(section.firstMatch(of: /'https:\/\/127\.0\.0\.1:8443\/v1\/calendar\/deadline\?([^']+)'/)?.1)
        let answer = try #require(section.firstMatch(of: /\n# (\{"area".*\})\n/)?.1)
        try await withBroker { broker in
            let (status, text) = try await broker.curl("/v1/calendar/deadline?\(query)", as: "northshire-police")
            #expect(status == 200)
            #expect(text == String(answer), "the README shows curl's output byte for byte")
        }
    }

    @Test("without 'from', the deadline counts from the broker's clock")
    func fromNow() async throws {
        let now = try #require(Timestamp.parse("2027-10-22T14:00:00Z"))
        try await withBroker(clock: TestClock(now)) { broker in
            let answer = try await Self.get(broker, "area=E99999999&rule=next-school-day")
            #expect(answer.body["from"] as? String == "2027-10-22T14:00:00.000Z")
            #expect(answer.body["dueBy"] as? String == "2027-11-01T08:30:00.000Z", "half term, then 08:30 GMT")
        }
    }

    @Test("an unknown area, a bad rule or a bad time is a 400 that names what there is; past the calendar, a 422")
    func refusals() async throws {
        try await withBroker { broker in
            let area = try await Self.get(broker, "area=E10000014&rule=next-school-day")
            #expect(area.status == 400)
            #expect((area.body["detail"] as? String)?.contains("the areas with calendars are E99999999") == true, "\(area.body)")
            let rule = try await Self.get(broker, "area=E99999999&rule=working-days:61")
            #expect(rule.status == 400)
            #expect((rule.body["detail"] as? String)?.contains("next-school-day, or working-days:N with N from 1 to 60") == true,
                    "\(rule.body)")
            let time = try await Self.get(broker, "area=E99999999&rule=next-school-day&from=2027-03-25")
            #expect(time.status == 400)
            #expect((time.body["detail"] as? String)?.contains("RFC 3339") == true, "\(time.body)")
            let missing = try await Self.get(broker, "area=E99999999")
            #expect(missing.status == 400, "\(missing.body)")
            let beyond = try await Self.get(broker, "area=E99999999&rule=next-school-day&from=2028-07-21T12:00:00Z")
            #expect(beyond.status == 422)
            #expect(beyond.body["type"] as? String == "urn:sharebroker:problem:calendar-not-covered", "\(beyond.body)")
        }
    }

    @Test("a calendar file with a mistake stops the broker from starting, saying where")
    func badFile() async throws {
        let broker = try TestBroker()
        defer { try? FileManager.default.removeItem(at: broker.folder) }
        let file = broker.folder.appendingPathComponent("calendars/northshire.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "\"2027-12-28\"", with: "\"2027-12-26\"").write(to: file, atomically: true, encoding: .utf8)
        #expect {
            try ServerSettings.load(from: broker.configurationFile, environment: [:])
        } throws: { error in
            "\(error)".hasPrefix("/calendars/E99999999: \(file.path) at /bankHolidays/15: 2027-12-26 is a Sunday")
        }
        try broker.editConfiguration { $0["calendars"] = ["northshire": "calendars/northshire.json"] }
        #expect {
            try ServerSettings.load(from: broker.configurationFile, environment: [:])
        } throws: { error in
            "\(error)" == "/calendars/northshire: 'northshire' is not an ONS area code such as E99999999."
        }
    }
}
