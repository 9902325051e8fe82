import Crypto
import Foundation
import ShareBroker
import ShareJWS
import ShareModel
import Testing

/// The policy's `selectiveDisclosure` and the one decision made from it (`RecipientCopy`):
/// which disclosures of an SD-JWT each kind of recipient gets.
@Suite("Selective disclosure in the sharing policy")
struct SelectiveDisclosurePolicyTests {
    private static let notification = MessageType("domestic-abuse-notification/1")!

    private static func policy(_ rule: String) throws(PolicyError) -> SharingPolicy {
        try SharingPolicy(parsing: Data(#"""
            {"types": {"domestic-abuse-notification/1": {"senders": ["police"], "recipients": ["education", "social-care"],
              "routing": ["direct"], "consent": ["given"], "selectiveDisclosure": \#(rule)}}}
            """#.utf8), knownTypes: [notification])
    }

    /// An SD-JWT of `document` with the members at `disclosable` disclosable.
    private static func sdjwt(_ document: String, _ disclosable: [JSONPointer]) throws -> Data {
        Data(try SDJWT.issue(try JSONValue(parsing: Data(document.utf8)), disclosable: disclosable,
                             key: P256.Signing.PrivateKey(), kid: "test").utf8)
    }

    @Test("each kind's pointers are read; a kind that is not a recipient, or a pointer outside /payload, is refused at its pointer",
          arguments: [
              (#"{"police": ["/payload"]}"#, "/types/domestic-abuse-notification~11/selectiveDisclosure/police"),
              (#"{"education": ["/subject/name"]}"#, "/types/domestic-abuse-notification~11/selectiveDisclosure/education/0"),
              (#"{"education": "/payload"}"#, "/types/domestic-abuse-notification~11/selectiveDisclosure/education"),
              (#"["/payload"]"#, "/types/domestic-abuse-notification~11/selectiveDisclosure"),
          ])
    func refusesBadRules(rule: String, pointer: String) throws {
        let good = try #require(try Self.policy(#"{"education": ["/payload/a"], "social-care": ["/payload"]}"#)
            .rule(for: Self.notification)?.selectiveDisclosure)
        #expect(good.visible == [.education: ["/payload/a"], .socialCare: ["/payload"]])
        do throws(PolicyError) {
            _ = try Self.policy(rule)
            Issue.record("\(rule) was accepted")
        } catch {
            #expect(error.pointer.description == pointer)
        }
    }

    @Test("a kind gets the disclosures at or below its pointers, nested ones only with the one holding them; an unnamed kind gets none")
    func decision() throws {
        let body = try Self.sdjwt(#"{"payload": {"a": 1, "b": {"c": 2, "d": 3}, "list": [4, 5], "clear": 6}}"#,
                                  ["/payload/a", "/payload/b", "/payload/b/c", "/payload/list/1"])
        let rule = DisclosureRule(visible: [.education: ["/payload/a", "/payload/b/c", "/payload/list"], .socialCare: ["/payload"]])
        let school = RecipientCopy(of: body, rule: rule, for: .education)
        #expect(school.disclosed.map(\.description) == ["/payload/a", "/payload/list/1"])
        #expect(Set(school.withheld.map(\.description)) == ["/payload/b", "/payload/b/c"], "b/c is inside b, which the school may not see")
        let reconstructed = try SDJWT(compact: school.body).reconstruct().document
        #expect(reconstructed == (try JSONValue(parsing: Data(#"{"payload": {"a": 1, "list": [4, 5], "clear": 6}}"#.utf8))))
        let all = RecipientCopy(of: body, rule: rule, for: .socialCare)
        #expect(all.body == body && all.withheld.isEmpty && all.disclosed.count == 4)
        for (kind, rule) in [(AgencyKind.police, rule), (.socialCare, nil)] as [(AgencyKind, DisclosureRule?)] {
            let none = RecipientCopy(of: body, rule: rule, for: kind)
            #expect(none.disclosed.isEmpty && none.withheld.count == 4)
            #expect(try SDJWT(compact: none.body).reconstruct().document["payload"]
                == .object(["clear": .number(6), "list": .array([.number(4)])]))
        }
        let plain = Data("a.b.c".utf8)
        #expect(RecipientCopy(of: plain, rule: rule, for: .police).body == plain, "a plain JWS goes as it is")
    }

    @Test("reconstruction refuses what RFC 9901 section 7 refuses, saying where")
    func reconstructionRefusals() throws {
        let key = P256.Signing.PrivateKey()
        func signed(_ payload: String, _ disclosures: [String]) throws -> SDJWT {
            let jws = try ES256.sign(payload: Data(payload.utf8), with: key, kid: "k")
            return try SDJWT(compact: Data((([jws] + disclosures.map { Base64URL.encode(Data($0.utf8)) }).joined(separator: "~") + "~").utf8))
        }
        let member = #"["salt","name","value"]"#
        let digest = SDJWT.digest(of: Base64URL.encode(Data(member.utf8)))
        let cases: [(String, [String], String)] = [
            (#"{"_sd_alg": "sha-512", "payload": {}}"#, [], "'_sd_alg'"),
            (#"{"payload": {"_sd": ["\#(digest)", "\#(digest)"]}}"#, [member], "more than once"),
            (#"{"payload": {"name": 1, "_sd": ["\#(digest)"]}}"#, [member], "already has"),
            (#"{"payload": {}}"#, [member], "not referenced"),
            (#"{"payload": {"list": [{"...": "\#(digest)"}]}}"#, [member], "array element"),
            (#"{"payload": {"_sd": ["\#(digest)"]}}"#, [member, member], "repeats"),
        ]
        for (payload, disclosures, words) in cases {
            #expect {
                try signed(payload, disclosures).reconstruct()
            } throws: { error in
                (error as? SDJWTError)?.reason.contains(words) == true
            }
        }
        for (depth, accepted) in [(16, true), (17, false)] {
            let document = (0..<depth).reduce("1") { inner, _ in #"{"a": \#(inner)}"# }
            let body = try Self.sdjwt(#"{"payload": \#(document)}"#, (1...depth).map { JSONPointer(["payload"] + Array(repeating: "a", count: $0)) })
            #expect(((try? SDJWT(compact: body).reconstruct()) != nil) == accepted, "disclosures nested \(depth) deep")
        }
        let reconstructed = try signed(#"{"_sd_alg": "sha-256", "payload": {"_sd": ["\#(digest)", "decoy"]}}"#, [member]).reconstruct()
        #expect(reconstructed.document == .object(["payload": .object(["name": .string("value")])]))
        #expect(reconstructed.places.map(\.pointer.description) == ["/payload/name"])
    }
}
