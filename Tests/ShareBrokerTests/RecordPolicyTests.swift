import Foundation
import ShareBroker
import ShareModel
import Testing

/// A type whose routing is `record` (such as a decision not to share) is delivered to nobody:
/// the policy file says so in one word, and refuses what cannot apply to it.
@Suite("Record types in the sharing policy")
struct RecordPolicyTests {
    private static let known: Set<MessageType> = [.decisionNotToShare]

    private static func policy(_ rule: String) throws(PolicyError) -> SharingPolicy {
        try SharingPolicy(parsing: Data(#"{"types": {"decision-not-to-share/1": \#(rule)}}"#.utf8), knownTypes: known)
    }

    /// The pointer of the error a policy with this rule gives.
    private static func refusal(_ rule: String) -> String? {
        do {
            _ = try policy(rule)
            return nil
        } catch {
            return error.pointer.description
        }
    }

    // Routing "record" with no recipients reads, with or without an empty recipients list.
    @Test func readsRecord() throws {
        for recipients in [#""recipients": [], "#, ""] {
            let rule = try #require(try Self.policy(#"{"senders": ["health"], \#(recipients)"routing": ["record"], "consent": ["refused"]}"#)
                .rule(for: .decisionNotToShare))
            #expect(rule.isRecord)
            #expect(rule.recipients.isEmpty && rule.senders == [.health] && rule.consent == [.refused])
            #expect(rule.maxExpiry == nil && rule.request == nil && rule.failureNoticesTo == nil && rule.queriedBy.isEmpty)
        }
    }

    // A record may name the kinds that may ask about it (as health asks about child-protection flags).
    @Test func readsQueriedBy() throws {
        let rule = try #require(try Self.policy(#"{"senders": ["social-care"], "routing": ["record"], "consent": ["not-required"], "queriedBy": ["health"]}"#)
            .rule(for: .decisionNotToShare))
        #expect(rule.queriedBy == [.health])
        #expect(Self.refusal(#"{"senders": ["social-care"], "routing": ["record"], "consent": ["not-required"], "queriedBy": ["nurse"]}"#)
            == "/types/decision-not-to-share~11/queriedBy/0")
    }

    // A record cannot also be delivered, have recipients, expire, ask for answers or send failure notices;
    // only a record can be asked about.
    @Test(arguments: [
        (#""recipients": [], "routing": ["record", "direct"]"#, "/types/decision-not-to-share~11/routing"),
        (#""recipients": ["mash"], "routing": ["record"]"#, "/types/decision-not-to-share~11/recipients"),
        (#""routing": ["record"], "maxExpiryDays": 30"#, "/types/decision-not-to-share~11/maxExpiryDays"),
        (#""routing": ["record"], "failureNoticesTo": "northshire-mash""#, "/types/decision-not-to-share~11/failureNoticesTo"),
        (#""recipients": ["mash"], "routing": ["direct"], "queriedBy": ["health"]"#, "/types/decision-not-to-share~11/queriedBy"),
    ])
    func refusesWhatCannotApply(fields: String, pointer: String) {
        #expect(Self.refusal(#"{"senders": ["health"], "consent": ["refused"], \#(fields)}"#) == pointer)
    }

    // Any other type still needs recipients.
    @Test func otherRoutingNeedsRecipients() {
        #expect(Self.refusal(#"{"senders": ["health"], "recipients": [], "routing": ["direct"], "consent": ["refused"]}"#)
            == "/types/decision-not-to-share~11/recipients")
    }
}
