import Foundation
import ShareBroker
import ShareModel
import Testing

/// The policy's `educatedAtHome` rule: where a message about a child educated at home goes.
@Suite("Home education in the sharing policy")
struct HomeEducationPolicyTests {
    private static let type = MessageType("domestic-abuse-notification/1")!

    private static func policy(_ rule: String) throws(PolicyError) -> SharingPolicy {
        try SharingPolicy(parsing: Data(#"""
            {"types": {"domestic-abuse-notification/1": {"senders": ["police"], "recipients": ["education", "social-care"],
              "routing": ["direct"], "consent": ["given"], "educatedAtHome": \#(rule)}}}
            """#.utf8), knownTypes: [type])
    }

    @Test func reads() throws {
        let rule = try #require(try Self.policy(#"{"pointer": "/payload/educatedAtHome", "deliverTo": "northshire-csc"}"#)
            .rule(for: Self.type)?.educatedAtHome)
        #expect(rule.deliverTo == AgencyID("northshire-csc"))
        #expect(rule.applies(to: try JSONValue(parsing: Data(#"{"payload": {"educatedAtHome": true}}"#.utf8))))
        #expect(!rule.applies(to: try JSONValue(parsing: Data(#"{"payload": {"educatedAtHome": false}}"#.utf8))))
        #expect(!rule.applies(to: try JSONValue(parsing: Data(#"{"payload": {}}"#.utf8))))
    }

    @Test(arguments: [
        (#""yes""#, "/types/domestic-abuse-notification~11/educatedAtHome"),
        (#"{"pointer": "payload", "deliverTo": "northshire-csc"}"#, "/types/domestic-abuse-notification~11/educatedAtHome"),
        (#"{"pointer": "/payload/educatedAtHome", "deliverTo": "Northshire CSC"}"#,
         "/types/domestic-abuse-notification~11/educatedAtHome/deliverTo"),
    ])
    func refuses(rule: String, pointer: String) {
        #expect(throws: PolicyError.self) { try Self.policy(rule) }
        do {
            _ = try Self.policy(rule)
        } catch {
            #expect(error.pointer.description == pointer)
        }
    }
}
