import Foundation
import ShareModel
import ShareStore
import ShareStoreConformance
import Testing

/// The audit log's entries are written by a direct canonical writer; they must be exactly the
/// bytes the `Codable` encoding with the broker's JSON conventions gives, and valid JSON.
@Suite("Event entry encoding")
struct EventEntryEncodingTests {
    private static let awkward = "quote \" backslash \\ slash / tab \t newline \n nul \u{0} bell \u{7} del \u{7f} é \u{2028} 😀"

    private static let events: [EventRecord] = [
        EventRecord(kind: .published, at: t0, agency: .hospitals, messageID: UUID(), recipient: .csc,
                    messageDigest: "q83vEjRWeJCrze8SNFZ4kA+/==", messageType: "unborn-baby-referral/1", area: "E99999999",
                    disclosure: Disclosure(purpose: "safeguarding-referral", lawfulBasis: "public-task",
                                           specialCategoryCondition: "safeguarding-of-children-and-individuals-at-risk",
                                           consent: Consent(status: .notSought, reason: awkward),
                                           decidedBy: DecisionMaker(name: "A. Midwife", role: awkward),
                                           decidedAt: t0.addingTimeInterval(-60.125), rationale: awkward),
                    subjects: ["token-1", "token/2"], inReplyTo: UUID(), respondBy: t0.addingTimeInterval(3600.5)),
        EventRecord(kind: .routed, at: t0, agency: .hospitals, messageID: UUID(), deliveryID: UUID(), recipient: .csc,
                    dueBy: t0.addingTimeInterval(86_400.5)),
        EventRecord(kind: .routed, at: t0, agency: .hospitals, messageID: UUID(), deliveryID: UUID(), recipient: .csc,
                    subscriptionID: UUID()),
        EventRecord(kind: .routed, at: t0, agency: .hospitals, messageID: UUID(), deliveryID: UUID(), recipient: .csc,
                    rule: "educatedAtHome"),
        EventRecord(kind: .routed, at: t0, agency: .police, messageID: UUID(), deliveryID: UUID(), recipient: .csc,
                    disclosed: ["/payload/incidentAt", "/payload/a~1b"], withheld: ["/payload/incidentNarrative"]),
        EventRecord(kind: .delivered, at: t0.addingTimeInterval(0.5), agency: .csc, messageID: UUID(), deliveryID: UUID(), attempt: 3),
        EventRecord(kind: .auditQueried, at: t0, agency: .police, query: "entries fromIndex=0 limit=100 \(awkward)"),
        EventRecord(kind: .refused, at: t0, agency: .police, messageID: UUID(), messageType: "x/1", rule: "senders",
                    subscriptionID: UUID(), policyDigest: "abc"),
        EventRecord(kind: .published, at: t0, agency: .hospitals,
                    disclosure: Disclosure(purpose: "p", lawfulBasis: "l", specialCategoryCondition: nil,
                                           consent: Consent(status: .given, reason: nil),
                                           decidedBy: DecisionMaker(name: "n", role: "r"), decidedAt: t0, rationale: "r")),
        EventRecord(kind: .published, at: t0, agency: .hospitals, messageID: UUID(), messageType: "decision-not-to-share/1",
                    disclosure: Disclosure(purpose: "p", lawfulBasis: "l", specialCategoryCondition: nil,
                                           consent: Consent(status: .refused, reason: awkward),
                                           decidedBy: DecisionMaker(name: "n", role: "r"), decidedAt: t0, rationale: "r",
                                           reconsiders: UUID())),
        EventRecord(kind: .flagQueried, at: t0, agency: .hospitals, messageID: UUID(), recipient: .csc,
                    subjects: ["token-1"], setting: "emergency-department", flags: [UUID(), UUID()]),
    ]

    @Test(arguments: events.indices)
    func matchesTheCodableEncoding(index: Int) throws {
        let event = Self.events[index]
        let entry = event.entryBytes()
        #expect(entry == (try ShareJSON.encoder().encode(event)))
        #expect(try EventRecord.decode(entry) == event)
    }
}
