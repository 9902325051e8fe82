import Foundation
import ShareClient
import ShareModel
import ShareTesting
import Testing

/// Information requests' deadlines: `respondBy` from the urgency in hours or working days, the
/// agencies that have not answered chased when it passes, and late answers marked.
@Suite("Request deadlines")
struct RequestDeadlineTests {
    /// Publishes the example red enquiry (to the police, the hospitals and the school) without
    /// `respondBy`, urgency `urgency`; returns its id.
    static func enquire(_ broker: TestBroker, urgency: String = "red") async throws -> String {
        let enquiry = try InformationRequestTests.example("mash-enquiry-1/valid-red-neglect.json", sentAt: broker.clock.now()) {
            $0["respondBy"] = nil
            var payload = $0["payload"] as! [String: Any]
            payload["urgency"] = urgency
            $0["payload"] = payload
        }
        let sent = try await broker.postJWS(try broker.signer(for: "northshire-mash").sign(envelope: enquiry), as: "northshire-mash")
        #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
        return try InformationRequestTests.id(of: enquiry)
    }

    /// `agency` answers the enquiry now.
    static func answer(_ enquiryID: String, as agency: String, on broker: TestBroker) async throws {
        let answer = try InformationRequestTests.example("mash-enquiry-response-1/valid-known-with-findings.json", sentAt: broker.clock.now()) {
            $0["inReplyTo"] = enquiryID
            $0["sender"] = agency
        }
        let sent = try await broker.postJWS(try broker.signer(for: agency).sign(envelope: answer), as: agency)
        #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
    }

    // Green allows three working days in the demo policy: from a Friday afternoon, to the end of Wednesday.
    @Test("a green enquiry's respondBy is three working days on, past the weekend")
    func workingDays() async throws {
        try await withBroker(clock: TestClock(try DeliveryDeadlineTests.at("2026-12-11T15:00:00Z"))) { broker in
            let enquiryID = try await Self.enquire(broker, urgency: "green")
            let status = try await broker.client(as: "northshire-mash").status(message: try #require(UUID(uuidString: enquiryID)))
            #expect(status.respondBy == "2026-12-16T23:59:59.999Z")
            #expect(try await broker.client(as: "northshire-police").inbox().first?.respondBy == "2026-12-16T23:59:59.999Z")
        }
    }

    // Past respondBy, each agency that has not answered gets the chase too; a later answer is marked late.
    @Test("an overdue enquiry chases the agencies that have not answered, and a late answer is marked late")
    func chaseAndLate() async throws {
        try await withBroker(configure: TimerTests.fastTimers) { broker in
            let enquiryID = try await Self.enquire(broker)
            try await Self.answer(enquiryID, as: "northshire-hospitals", on: broker)
            broker.clock.advance(by: 5 * 3600)
            for agency in ["northshire-police", "oakfield-primary"] {
                let notices = try await TimerTests.notices(for: agency, on: broker)
                try #require(notices.count == 1, "\(agency) is chased")
                #expect(notices[0]["type"] as? String == "response-overdue/1")
                #expect((notices[0]["payload"] as? [String: Any])?["notAnswered"] as? [String] == ["northshire-police", "oakfield-primary"])
            }
            #expect(try await broker.client(as: "northshire-hospitals").inbox(wait: 1).filter { $0.sender == "sharebroker" }.isEmpty,
                    "an agency that answered is not chased")

            try await Self.answer(enquiryID, as: "northshire-police", on: broker)
            let status = try await broker.client(as: "northshire-mash").status(message: try #require(UUID(uuidString: enquiryID)))
            #expect(status.answers.map(\.agency) == ["northshire-hospitals", "northshire-police"])
            #expect(status.answers.map(\.late) == [false, true])

            let report = try #require(try await broker.client(as: "northshire-audit")
                .send("GET", "/v1/audit/subjects/report?nhsNumber=9990371113").json)
            let disclosures = try #require(report["disclosures"] as? [[String: Any]])
            let answers = disclosures.filter { $0["inReplyTo"] as? String == enquiryID }
            #expect(answers.map { $0["sharedBy"] as? String } == ["northshire-hospitals", "northshire-police"])
            #expect(answers.map { $0["late"] as? Bool } == [false, true], "late in the subject report")
            #expect(disclosures.first { $0["messageId"] as? String == enquiryID }?["respondBy"] as? String != nil)
            let page = try await broker.client(as: "northshire-audit").send("GET", "/v1/audit/subjects/report?nhsNumber=9990371113&format=html")
            #expect(String(decoding: page.body, as: UTF8.self).components(separatedBy: "LATE").count == 2, "one late answer on the page")

            // The workspace's timeline says, for each agency asked, whether and when it answered.
            let (workspaceStatus, timeline) = try await AuditorWorkspaceTests.page("/workspace/subject?nhsNumber=9990371113", on: broker)
            #expect(workspaceStatus == 200)
            #expect(timeline.components(separatedBy: ", LATE").count == 2, "the police answered after the date due")
            #expect(timeline.components(separatedBy: "NOT ANSWERED: the answer was due by").count == 2, "the school has not answered")
            #expect(timeline.components(separatedBy: "answered ").count >= 3, "the hospitals and the police answered")
        }
    }
}
