import Foundation
import ShareBroker
import ShareModel
import ShareStore
import Testing

/// Retention in the sharing policy: a type's `retentionDays`, counted from when its messages are
/// settled; refused at load with its pointer unless it is a number of days above 0.
@Suite("Retention in the sharing policy")
struct RetentionPolicyTests {
    private static let notification = MessageType("domestic-abuse-notification/1")!
    private static let decision = MessageType("decision-not-to-share/1")!

    private static func policy(notification fields: String, decision decisionFields: String = "") throws(PolicyError) -> SharingPolicy {
        try SharingPolicy(parsing: Data(#"""
            {"types": {
              "domestic-abuse-notification/1": {"senders": ["police"], "recipients": ["education"],
                "routing": ["direct"], "consent": ["given"]\#(fields)},
              "decision-not-to-share/1": {"senders": ["police"], "routing": ["record"], "consent": ["refused"]\#(decisionFields)}}}
            """#.utf8), knownTypes: [notification, decision])
    }

    @Test("a type's retentionDays is its retention period, records included; a type without one is kept for ever")
    func readsRetention() throws {
        let policy = try Self.policy(notification: #", "retentionDays": 90"#, decision: #", "retentionDays": 2555"#)
        #expect(policy.rule(for: Self.notification)?.retention == TimeInterval(90 * 86_400))
        #expect(policy.rule(for: Self.decision)?.retention == TimeInterval(2555 * 86_400))
        #expect(try Self.policy(notification: "").rule(for: Self.notification)?.retention == nil)
    }

    @Test(arguments: ["0", "-1", "\"90\"", "null", "[90]"])
    func refusesOtherRetention(value: String) {
        #expect(throws: PolicyError.self) { try Self.policy(notification: #", "retentionDays": \#(value)"#) }
        do {
            _ = try Self.policy(notification: #", "retentionDays": \#(value)"#)
        } catch {
            #expect(error.pointer.description == "/types/domestic-abuse-notification~11/retentionDays")
            #expect(error.reason.contains("number of days above 0"))
        }
    }

    @Test("the cutoff of each retained type is now less its period, and a message is due from the very instant its period ends")
    func cutoffs() throws {
        let policy = try Self.policy(notification: #", "retentionDays": 90"#)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(Retention.cutoffs(policy, now: now) == ["domestic-abuse-notification/1": now.addingTimeInterval(-90 * 86_400)])
        let settled = now.addingTimeInterval(-90 * 86_400)
        #expect(Retention.hasEnded(settledAt: settled, period: 90 * 86_400, now: now))
        #expect(!Retention.hasEnded(settledAt: settled.addingTimeInterval(0.001), period: 90 * 86_400, now: now))
    }

    @Test("the purge entry names the message and its type, never its content, and is the broker's own")
    func purgedEntry() {
        let id = UUID()
        let entry = Retention.purgedEntry(id, type: "domestic-abuse-notification/1", at: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(entry.kind == .purged && entry.agency == .broker && entry.messageID == id && entry.rule == "retentionDays")
        #expect(String(decoding: entry.entryBytes(), as: UTF8.self)
            == #"{"agency":"sharebroker","at":"2027-01-15T08:00:00.000Z","kind":"purged","messageID":"\#(id.lowercasedString)","messageType":"domestic-abuse-notification/1","rule":"retentionDays"}"#)
    }
}
