import Foundation
import ShareBroker
import ShareCalendar
import ShareModel
import Testing

/// Deadlines in the sharing policy: a type's `deliveryDeadline` and a request's `respondWithin`,
/// written in this field's units; anything else is refused at load with its pointer.
@Suite("Deadlines in the sharing policy")
struct PolicyDeadlineTests {
    private static let type = MessageType("domestic-abuse-notification/1")!

    private static func policy(_ fields: String) throws(PolicyError) -> SharingPolicy {
        try SharingPolicy(parsing: Data(#"""
            {"types": {"domestic-abuse-notification/1": {"senders": ["police"], "recipients": ["education"],
              "routing": ["direct"], "consent": ["given"], \#(fields)}}}
            """#.utf8), knownTypes: [type])
    }

    /// The pointer of the error a policy with these fields gives.
    private static func refusal(_ fields: String) -> String? {
        do {
            _ = try policy(fields)
            return nil
        } catch {
            return error.pointer.description
        }
    }

    @Test(arguments: [
        ("next-school-day", Deadline.calendar(.nextSchoolDay)), ("working-days:5", .calendar(.workingDays(5))),
        ("hours:4", .hours(4)), ("hours:0.5", .hours(0.5)),
    ])
    func readsDeliveryDeadline(text: String, deadline: Deadline) throws {
        #expect(try Self.policy(#""deliveryDeadline": "\#(text)""#).rule(for: Self.type)?.deliveryDeadline == deadline)
        #expect(deadline.description == text)
    }

    @Test(arguments: ["next-day", "working-days:0", "working-days:61", "hours:0", "hours:-1", "hours:x", "hours:1e3", ""])
    func refusesOtherDeliveryDeadlines(text: String) {
        #expect(Self.refusal(#""deliveryDeadline": "\#(text)""#) == "/types/domestic-abuse-notification~11/deliveryDeadline")
    }

    @Test func readsRespondWithinInEitherForm() throws {
        let urgency = #""urgency": "/payload/urgency""#
        let deadlines = try #require(try Self.policy(#""request": {\#(urgency), "respondWithin": {"red": "hours:4", "green": "working-days:3"}}"#)
            .rule(for: Self.type)?.request?.respondWithin)
        #expect(deadlines == ["red": .hours(4), "green": .calendar(.workingDays(3))])
        let hours = try #require(try Self.policy(#""request": {\#(urgency), "respondWithinHours": {"red": 4}}"#)
            .rule(for: Self.type)?.request?.respondWithin)
        #expect(hours == ["red": .hours(4)])
    }

    @Test(arguments: [
        (#""respondWithin": {"red": "soon"}"#, "/types/domestic-abuse-notification~11/request/respondWithin/red"),
        (#""respondWithin": {"red": "hours:4"}, "respondWithinHours": {"red": 4}"#,
         "/types/domestic-abuse-notification~11/request/respondWithinHours"),
        (#""respondWithinHours": {"red": "hours:4"}"#, "/types/domestic-abuse-notification~11/request/respondWithinHours/red"),
        ("", "/types/domestic-abuse-notification~11/request/respondWithin"),
    ])
    func refusesBadRespondWithin(fields: String, pointer: String) {
        let separator = fields.isEmpty ? "" : ", "
        #expect(Self.refusal(#""request": {"urgency": "/payload/urgency"\#(separator)\#(fields)}"#) == pointer)
    }
}
