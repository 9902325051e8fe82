import Foundation
import ShareClient
import ShareModel
import ShareTesting
import Testing

/// Delivery deadlines from the sharing policy, counted on the demo's Northshire calendar: a
/// domestic abuse notification is due before the next school day, a serious incident
/// notification within five working days. Each recipient's `dueBy` is in the publish answer,
/// its delivery and the sender's status; one not acknowledged by then is reported once.
@Suite("Delivery deadlines")
struct DeliveryDeadlineTests {
    static func at(_ text: String) throws -> Date {
        try #require(Timestamp.parse(text), "\(text)")
    }

    /// Moves the broker's clock to `time` (forward only).
    static func move(_ broker: TestBroker, to time: Date) {
        broker.clock.advance(by: time.timeIntervalSince(broker.clock.now()))
    }

    /// The example domestic abuse notification to Oakfield Primary, sent now, its incident an
    /// hour earlier, naming `nextSchoolDay`, edited by `edit`; published by the police.
    static func notify(_ broker: TestBroker, nextSchoolDay: String,
                       _ edit: (inout [String: Any]) -> Void = { _ in }) async throws -> ShareClient.RawResponse {
        let now = broker.clock.now()
        let notification = try InformationRequestTests.example("domestic-abuse-notification-1/valid-child-present.json", sentAt: now) {
            var payload = $0["payload"] as! [String: Any]
            payload["incidentAt"] = now.addingTimeInterval(-3600).formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
            payload["nextSchoolDay"] = nextSchoolDay
            $0["payload"] = payload
            edit(&$0)
        }
        return try await broker.postJWS(try broker.signer(for: "northshire-police").sign(envelope: notification), as: "northshire-police")
    }

    // Sent at each time, a notification is due at the start of the school day named (08:30 local).
    @Test("next-school-day crosses a weekend, bank holidays, school holidays and the changes to and from summer time",
          arguments: [
              ("2026-12-11T18:00:00Z", "2026-12-14T08:30:00.000Z"),  // Friday evening: Monday, GMT
              ("2026-12-18T10:00:00Z", "2027-01-05T08:30:00.000Z"),  // Christmas holidays, three bank holidays, an INSET day
              ("2027-03-25T18:00:00Z", "2027-04-12T07:30:00.000Z"),  // Easter holidays, Good Friday, Easter Monday, into BST
              ("2027-05-28T07:00:00Z", "2027-05-28T07:30:00.000Z"),  // 08:00 BST on a school day: that morning
              ("2027-10-22T14:00:00Z", "2027-11-01T08:30:00.000Z"),  // half term, back to GMT
          ])
    func nextSchoolDay(sentAt: String, dueBy: String) async throws {
        try await withBroker(clock: TestClock(try Self.at(sentAt))) { broker in
            let published = try await Self.notify(broker, nextSchoolDay: String(dueBy.prefix(10)))
            #expect(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
            #expect(published.json?["dueBy"] as? [String: String] == ["oakfield-primary": dueBy], "in the publish answer")

            let school = try broker.client(as: "oakfield-primary")
            let delivery = try #require(try await school.inbox().first)
            #expect(delivery.dueBy == dueBy, "on the delivery")
            let status = try await broker.client(as: "northshire-police").status(message: delivery.messageId)
            #expect(status.recipients.map(\.dueBy) == [dueBy], "in the sender's status")
        }
    }

    // The school's own area (listed first) has an INSET day on Monday 14 December; social care's has not.
    @Test("each recipient's dueBy is counted on its own area's calendar, the first its directory entry lists")
    func recipientsOwnArea() async throws {
        let broker = try TestBroker(clock: TestClock(try Self.at("2026-12-11T18:00:00Z"))) { document in
            var calendars = document["calendars"] as! [String: String]
            calendars["E10000014"] = "calendars/neighbour.json"
            document["calendars"] = calendars
            var agencies = document["agencies"] as! [[String: Any]]
            for index in agencies.indices where agencies[index]["id"] as? String == "oakfield-primary" {
                agencies[index]["areas"] = ["E10000014", "E99999999"]
            }
            document["agencies"] = agencies
        }
        let folder = broker.folder.appendingPathComponent("calendars")
        var neighbour = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: folder.appendingPathComponent("northshire.json"))) as? [String: Any])
        neighbour["insetDays"] = ((neighbour["insetDays"] as? [String]) ?? []) + ["2026-12-14"]
        try JSONSerialization.data(withJSONObject: neighbour).write(to: folder.appendingPathComponent("neighbour.json"))
        try await broker.start()
        do {
            let published = try await Self.notify(broker, nextSchoolDay: "2026-12-14") { $0["to"] = ["oakfield-primary", "northshire-csc"] }
            #expect(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
            #expect(published.json?["dueBy"] as? [String: String]
                == ["oakfield-primary": "2026-12-15T08:30:00.000Z", "northshire-csc": "2026-12-14T08:30:00.000Z"])
        } catch {
            try? await broker.stopAndRemove()
            throw error
        }
        try await broker.stopAndRemove()
    }

    // One delivery pushed to the open stream as it is published, one stored before the stream opened.
    @Test("a delivery on a stream carries its dueBy, whether pushed at publish or sent when the stream opens")
    func streamed() async throws {
        try await withBroker(clock: TestClock(try Self.at("2026-12-11T18:00:00Z"))) { broker in
            #expect(try await Self.notify(broker, nextSchoolDay: "2026-12-14").status == 201)
            let reader = StreamReader(try await broker.client(as: "oakfield-primary").stream())
            defer { reader.stop() }
            #expect(try await eventually { broker.streamsOpened(1) })
            #expect(try await Self.notify(broker, nextSchoolDay: "2026-12-14").status == 201)
            #expect(try await eventually(within: 5) { reader.deliveries.count == 2 })
            #expect(reader.deliveries.map(\.delivery.dueBy) == ["2026-12-14T08:30:00.000Z", "2026-12-14T08:30:00.000Z"])
        }
    }

    // The school takes its deliveries by webhook: the POSTed delivery carries the dueBy the answer gave.
    @Test("a delivery pushed to a webhook carries its dueBy")
    func webhook() async throws {
        try await WebhookTests().withWebhookBroker { broker, receiver in
            #expect(try await WebhookTests().register(receiver.url, for: "oakfield-primary", on: broker).status == 200)
            let today = broker.clock.now().formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
            let published = try await Self.notify(broker, nextSchoolDay: today)
            let dueBy = try #require((published.json?["dueBy"] as? [String: String])?["oakfield-primary"])
            #expect(try await eventually { receiver.received.count == 1 })
            let pushed = try JSONSerialization.jsonObject(with: try #require(receiver.received.first).body) as? [String: Any]
            #expect(pushed?["dueBy"] as? String == dueBy)
        }
    }

    // Five working days from Christmas Eve skip Christmas Day, the 28 December substitute and New Year's Day.
    @Test("a serious incident notification is due within five working days, for every partner")
    func seriousIncident() async throws {
        try await withBroker(clock: TestClock(try Self.at("2026-12-24T10:00:00Z"))) { broker in
            let notification = try Self.seriousIncident(sentAt: broker.clock.now(), rapidReviewDueDate: "2027-01-19")
            let published = try await broker.postJWS(try broker.signer(for: "northshire-csc").sign(envelope: notification), as: "northshire-csc")
            #expect(published.status == 201, "\(String(decoding: published.body, as: UTF8.self))")
            let due = "2027-01-05T23:59:59.999Z"
            #expect(published.json?["dueBy"] as? [String: String]
                == ["northshire-police": due, "northshire-hospitals": due, "northshire-mash": due])
            #expect(try await broker.client(as: "northshire-mash").inbox().first?.dueBy == due)
        }
    }

    /// The example serious incident notification, aware on `sentAt`'s date, with the rapid review due on `rapidReviewDueDate`.
    static func seriousIncident(sentAt: Date, rapidReviewDueDate: String) throws -> Data {
        try InformationRequestTests.example("serious-incident-notification-1/valid-serious-harm-notified.json", sentAt: sentAt) {
            var payload = $0["payload"] as! [String: Any]
            let aware = sentAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
            payload["incidentDate"] = aware
            payload["awareDate"] = aware
            payload["notifiedToPanelAt"] = nil
            payload["contributionsDueDate"] = nil
            payload["rapidReviewDueDate"] = rapidReviewDueDate
            $0["payload"] = payload
        }
    }

    // Not acknowledged by Monday 08:30: the police and the MASH are told, once; an acknowledged one is not reported.
    @Test("a delivery not acknowledged by its dueBy sends delivery-overdue/1 to the sender and the MASH, once")
    func overdueNotice() async throws {
        try await withBroker(clock: TestClock(try Self.at("2026-12-11T18:00:00Z")), configure: TimerTests.fastTimers) { broker in
            let late = try await Self.notify(broker, nextSchoolDay: "2026-12-14")
            let lateID = try #require(late.json?["id"] as? String)
            let onTime = try await Self.notify(broker, nextSchoolDay: "2026-12-14")
            #expect(onTime.status == 201)
            let school = try broker.client(as: "oakfield-primary")
            let fetched = try await school.inbox(limit: 10)
            let acknowledged = try #require(fetched.first { $0.messageId.uuidString.lowercased() != lateID })
            _ = try await school.acknowledge(delivery: acknowledged.id)

            Self.move(broker, to: try Self.at("2026-12-14T08:29:59Z"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await broker.client(as: "northshire-mash").inbox(wait: 0).isEmpty, "not yet due")

            Self.move(broker, to: try Self.at("2026-12-14T08:30:00Z"))
            for agency in ["northshire-police", "northshire-mash"] {
                let notices = try await TimerTests.notices(for: agency, on: broker)
                try #require(notices.count == 1, "\(agency)")
                #expect(notices[0]["type"] as? String == "delivery-overdue/1")
                #expect(notices[0]["to"] as? [String] == ["northshire-police", "northshire-mash"])
                let payload = try #require(notices[0]["payload"] as? [String: Any])
                #expect(payload["messageId"] as? String == lateID)
                let missing = try #require(payload["notAcknowledged"] as? [[String: Any]])
                #expect(missing.map { $0["agency"] as? String } == ["oakfield-primary"])
                #expect(missing.map { $0["dueBy"] as? String } == ["2026-12-14T08:30:00.000Z"])
                #expect(missing.map { $0["state"] as? String } == ["delivered"])
            }
            Self.move(broker, to: try Self.at("2026-12-16T08:30:00Z"))
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await broker.client(as: "northshire-mash").inbox(wait: 0).filter { $0.sender == "sharebroker" }.count == 1,
                    "reported once, not on every round (the one notice is handed out again, never acknowledged)")

            let audit: AuditEntries = try await broker.auditGet("/v1/audit/entries?agency=sharebroker&kind=published")
            #expect(audit.entries.count == 1, "the one notice is in the audit log")
        }
    }

    // Both nodes' timers find the same overdue delivery; the row locks let one of them report it.
    @Test("with two nodes on PostgreSQL, a delivery not acknowledged by its dueBy is reported once")
    func overdueOnceAcrossNodes() async throws {
        let start = try Self.at("2026-12-11T18:00:00Z")
        let cluster = try await TestCluster.start(nodes: 2, clocks: [TestClock(start), TestClock(start)], configure: TimerTests.fastTimers)
        do {
            let (a, b) = (cluster.nodes[0], cluster.nodes[1])
            #expect(try await Self.notify(a, nextSchoolDay: "2026-12-14").status == 201)
            for node in [a, b] { Self.move(node, to: try Self.at("2026-12-14T08:30:00Z")) }
            #expect(try await TimerTests.notices(for: "northshire-mash", on: b).count == 1)
            try await Task.sleep(for: .milliseconds(500))
            let notices: AuditEntries = try await a.auditGet("/v1/audit/entries?agency=sharebroker&kind=published")
            #expect(notices.entries.count == 1, "one notice, not one per node")
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }

    // A deadline the calendar cannot count is refused, never dropped: past the last term, or with no calendar.
    @Test("a deadline past the calendar, or in an area without one, refuses the publish with calendar-not-covered (422)")
    func notCovered() async throws {
        // A calendar whose last term ends on Friday 18 December 2026, as if next year's dates were not yet published.
        let broker = try TestBroker(clock: TestClock(try Self.at("2026-12-18T10:00:00Z")))
        let file = broker.folder.appendingPathComponent("calendars/northshire.json")
        var calendar = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        calendar["terms"] = (calendar["terms"] as? [[String: String]])?.filter { $0["to"]! <= "2026-12-18" }
        calendar["insetDays"] = (calendar["insetDays"] as? [String])?.filter { $0 <= "2026-12-18" }
        try JSONSerialization.data(withJSONObject: calendar).write(to: file)
        try await broker.start()
        do {
            let refused = try await Self.notify(broker, nextSchoolDay: "2027-01-05")
            #expect(refused.status == 422)
            #expect(refused.problem?.type == "urn:sharebroker:problem:calendar-not-covered")
            #expect(refused.problem?.detail.contains("to 2026-12-18") == true, "names what the calendar holds: \(refused.problem?.detail ?? "")")
            #expect(try await broker.client(as: "oakfield-primary").inbox().isEmpty, "nothing stored")
        } catch {
            try? await broker.stopAndRemove()
            throw error
        }
        try await broker.stopAndRemove()
        try await withBroker(configure: { $0["calendars"] = nil }) { broker in
            let refused = try await Self.notify(broker, nextSchoolDay: "2026-12-14")
            #expect(refused.status == 422)
            #expect(refused.problem?.type == "urn:sharebroker:problem:calendar-not-covered")
            #expect(refused.problem?.detail.contains("has none for E99999999") == true, "\(refused.problem?.detail ?? "")")
        }
    }

    // Payload dates that contradict the deadlines they state are refused with their pointers.
    @Test("a next school day before the incident, an expiry before the deadline, or a rapid review due too early or too late, is refused (422) with its pointer")
    func contradictoryDates() async throws {
        try await withBroker(clock: TestClock(try Self.at("2026-12-11T18:00:00Z"))) { broker in
            let early = try await Self.notify(broker, nextSchoolDay: "2026-12-10")
            #expect(early.status == 422)
            #expect(early.problem?.errors?.map(\.pointer) == ["/payload/nextSchoolDay"])
            let expiring = try await Self.notify(broker, nextSchoolDay: "2026-12-14") { $0["expiresAt"] = "2026-12-13T18:00:00Z" }
            #expect(expiring.status == 422, "it would expire before the school must have it")
            #expect(expiring.problem?.errors?.map(\.pointer) == ["/expiresAt"])

            let now = broker.clock.now()
            for (rapidReview, why) in [("2026-12-10", "before awareDate"), ("2027-01-07", "16 working days after awareDate")] {
                let notification = try Self.seriousIncident(sentAt: now, rapidReviewDueDate: rapidReview)
                let refused = try await broker.postJWS(try broker.signer(for: "northshire-csc").sign(envelope: notification), as: "northshire-csc")
                #expect(refused.status == 422, "\(why)")
                #expect(refused.problem?.errors?.map(\.pointer) == ["/payload/rapidReviewDueDate"], "\(why)")
            }
            let fifteen = try Self.seriousIncident(sentAt: now, rapidReviewDueDate: "2027-01-06")
            #expect(try await broker.postJWS(try broker.signer(for: "northshire-csc").sign(envelope: fifteen), as: "northshire-csc").status == 201,
                    "15 working days after Friday 11 December, past Christmas and New Year")
        }
    }
}
