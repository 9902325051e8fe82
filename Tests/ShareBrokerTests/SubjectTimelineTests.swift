import Foundation
import ShareBroker
import ShareModel
import ShareStore
import Testing

/// The workspace's timeline from log entries alone: every outcome of every copy is kept.
@Suite("Subject timeline")
struct SubjectTimelineTests {
    let message = UUID()
    let delivery = UUID()
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    let hospital = AgencyID("northshire-hospitals")!
    let school = AgencyID("oakfield-primary")!

    func stored(_ events: [EventRecord]) -> [StoredEvent] {
        events.enumerated().map { StoredEvent(index: $0.offset, event: $0.element, entry: $0.element.entryBytes()) }
    }

    func copy(_ kind: EventRecord.Kind, after seconds: TimeInterval, attempt: Int? = nil) -> EventRecord {
        EventRecord(kind: kind, at: start.addingTimeInterval(seconds), agency: school, messageID: message, deliveryID: delivery, attempt: attempt)
    }

    @Test("a copy handed out three times and never acknowledged is dead-lettered and overdue, and says so")
    func deadLetteredAndOverdue() throws {
        let timeline = SubjectTimeline(entries: stored([
            EventRecord(kind: .published, at: start, agency: hospital, messageID: message, messageType: "domestic-abuse-notification/1"),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: delivery, recipient: school,
                        dueBy: start.addingTimeInterval(3600)),
            copy(.delivered, after: 10, attempt: 1), copy(.delivered, after: 100, attempt: 2), copy(.delivered, after: 200, attempt: 3),
            copy(.deadLettered, after: 300),
        ]))
        let item = try #require(timeline.items.first)
        #expect(timeline.items.count == 1 && item.category == .disclosure)
        let copy = try #require(item.deliveries.first)
        #expect(copy.recipient == school && copy.handOuts == 3 && copy.acknowledgedAt == nil)
        #expect(copy.firstDeliveredAt == start.addingTimeInterval(10))
        #expect(copy.deadLetteredAt == start.addingTimeInterval(300))
        #expect(!copy.isOverdue(at: start.addingTimeInterval(3599)) && copy.isOverdue(at: start.addingTimeInterval(3601)))
        #expect(item.entries.map(\.index) == Array(0...5), "every entry about it, to prove each one")
    }

    @Test("each recipient of a request shows when it answered, late or in time, or that it has not answered by the date due")
    func requestAnswers() throws {
        let police = AgencyID("northshire-police")!
        let dueBy = start.addingTimeInterval(86_400)
        let (toSchool, toPolice) = (UUID(), UUID())
        let (early, late) = (UUID(), UUID())
        let timeline = SubjectTimeline(entries: stored([
            EventRecord(kind: .published, at: start, agency: hospital, messageID: message, messageType: "information-request/1",
                        respondBy: dueBy),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: toSchool, recipient: school),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: toPolice, recipient: police),
            EventRecord(kind: .published, at: start.addingTimeInterval(3600), agency: school, messageID: early,
                        messageType: "information-response/1", inReplyTo: message),
            EventRecord(kind: .published, at: start.addingTimeInterval(7200), agency: school, messageID: late,
                        messageType: "information-response/1", inReplyTo: message),
        ]))
        let request = try #require(timeline.items.first)
        let school = try #require(request.deliveries.first { $0.recipient == self.school })
        let unanswered = try #require(request.deliveries.first { $0.recipient == police })
        #expect(school.answeredAt == start.addingTimeInterval(3600), "the first answer counts")
        #expect(!school.isAnswerOverdue(respondBy: dueBy, at: dueBy.addingTimeInterval(1)))
        #expect(unanswered.answeredAt == nil)
        #expect(!unanswered.isAnswerOverdue(respondBy: dueBy, at: dueBy.addingTimeInterval(-1)))
        #expect(unanswered.isAnswerOverdue(respondBy: dueBy, at: dueBy.addingTimeInterval(1)), "no answer after the date due")

        let answeredLate = SubjectTimeline(entries: stored([
            EventRecord(kind: .published, at: start, agency: hospital, messageID: message, messageType: "information-request/1",
                        respondBy: dueBy),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: toPolice, recipient: police),
            EventRecord(kind: .published, at: dueBy.addingTimeInterval(60), agency: police, messageID: late,
                        messageType: "information-response/1", inReplyTo: message),
        ]))
        let lateCopy = try #require(answeredLate.items.first?.deliveries.first)
        #expect(lateCopy.answeredAt == dueBy.addingTimeInterval(60))
        #expect(lateCopy.isAnswerOverdue(respondBy: dueBy, at: dueBy.addingTimeInterval(120)), "answered after the date due")
    }

    @Test("the broker's notices, refusals and decisions not to share are told apart from disclosures, and filters keep what matches")
    func categoriesAndFilters() {
        let refusal = UUID()
        let decision = UUID()
        let timeline = SubjectTimeline(entries: stored([
            EventRecord(kind: .refused, at: start, agency: hospital, messageID: refusal, recipients: [school], messageType: "relevant-history/1",
                        rule: "recipients"),
            EventRecord(kind: .published, at: start.addingTimeInterval(60), agency: hospital, messageID: decision,
                        messageType: "decision-not-to-share/1"),
            EventRecord(kind: .published, at: start.addingTimeInterval(120), agency: .broker, messageID: message,
                        messageType: "delivery-failed/1"),
        ]))
        #expect(timeline.items.map(\.category) == [.refusal, .decisionNotToShare, .notice])
        #expect(timeline.items.first?.refusalRule == "recipients")
        #expect(timeline.filtered(agency: school).map(\.category) == [.refusal], "the school was the refused addressee")
        #expect(timeline.filtered(type: "decision-not-to-share/1").map(\.messageID) == [decision])
        #expect(timeline.filtered(from: start.addingTimeInterval(61)).map(\.category) == [.notice])
    }

    @Test("each copy's routing is read from its routed entry; an entry that records none is completed from the message's 'to'")
    func routing() throws {
        let subscription = UUID()
        let recipients = ["northshire-csc", "northshire-mash", "northshire-police", "oakfield-primary"].map { AgencyID($0)! }
        var timeline = SubjectTimeline(entries: stored([
            EventRecord(kind: .published, at: start, agency: hospital, messageID: message, messageType: "relevant-history/1"),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: UUID(), recipient: recipients[0]),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: UUID(), recipient: recipients[1],
                        subscriptionID: subscription),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: UUID(), recipient: recipients[2]),
            EventRecord(kind: .routed, at: start, agency: hospital, messageID: message, deliveryID: UUID(), recipient: recipients[3],
                        rule: "educatedAtHome"),
        ]))
        let recorded = try #require(timeline.items.first).deliveries.map(\.reason)
        #expect(recorded == [nil, .route(.subscription(subscription)), nil, .route(.educatedAtHome)])
        #expect(timeline.routingSubscriptionIDs == [subscription])

        timeline.markRouting(addressed: [message: [recipients[0], recipients[1]]])
        let completed = try #require(timeline.items.first).deliveries.map(\.reason)
        #expect(completed == [.route(.direct), .route(.subscription(subscription)), .unnamedSubscription, .route(.educatedAtHome)],
                "named in 'to': direct; not named and no subscription recorded: an older entry's subscription")
    }
}
