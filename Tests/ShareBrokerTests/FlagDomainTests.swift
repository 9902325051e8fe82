import Foundation
import ShareBroker
import ShareModel
import ShareStoreConformance
import Testing

/// The pure parts of child-protection flags: the ledger that reads flags from their messages,
/// the query body, and the tokens that tell an unborn baby from its mother.
@Suite("Child-protection flags (domain)")
struct FlagDomainTests {
    /// A `child-protection-flag/1` envelope from `sender` with this payload.
    static func message(_ payload: String, id: String = UUID().uuidString.lowercased(), sender: AgencyID = .csc) throws -> Envelope {
        let document = try exampleEnvelope()
            .setting(["id"], to: .string(id)).setting(["type"], to: .string("child-protection-flag/1"))
            .setting(["sender"], to: .string(sender.rawValue)).setting(["to"], to: nil).setting(["expiresAt"], to: nil)
            .setting(["payload"], to: try JSONValue(parsing: Data(payload.utf8)))
        guard case .success(let envelope) = EnvelopeReader().read(document) else { throw FlagTestError() }
        return envelope
    }

    struct FlagTestError: Error {}

    static let setText = #"{"action": "set", "kind": "unborn-child-protection", "startDate": "2026-12-01", "owningTeam": {"name": "T", "contact": {"phone": "01632 960 200"}}}"#

    // A flag is active from its start date up to the day before the earliest of its planned end and its owner's ends.
    @Test func ledgerReadsSetsAndTheirOwnersEnds() throws {
        let set = try Self.message(Self.setText)
        let id = set.id.lowercasedString
        let foreignEnd = try Self.message(#"{"action": "end", "flag": "\#(id)", "endDate": "2026-12-02"}"#, sender: .hospitals)
        let flags = FlagLedger([foreignEnd, set]).flags
        try #require(flags.count == 1)
        #expect(flags[0].owner == .csc && flags[0].kind == "unborn-child-protection" && flags[0].endDate == nil)
        #expect(!flags[0].isActive(on: "2026-11-30") && flags[0].isActive(on: "2026-12-01") && flags[0].isActive(on: "2027-06-01"))

        let laterEnd = try Self.message(#"{"action": "end", "flag": "\#(id)", "endDate": "2027-01-10"}"#)
        let earlierEnd = try Self.message(#"{"action": "end", "flag": "\#(id)", "endDate": "2026-12-20"}"#)
        let ended = FlagLedger([laterEnd, set, earlierEnd]).flags[0]
        #expect(ended.endDate == "2026-12-20")
        #expect(ended.isActive(on: "2026-12-19") && !ended.isActive(on: "2026-12-20"))
    }

    /// Whether `value` is valid for a common definition, as the catalogue would say for these tests.
    static func isValid(_ definition: String, _ value: JSONValue) -> Bool {
        switch definition {
        case "nhsNumber": value == .string("9990001235")
        case "date": value.stringValue?.count == 10
        case "careSetting": value == .string("emergency-department")
        default: false
        }
    }

    static func query(_ text: String) throws(BrokerError) -> FlagQuery {
        try FlagQuery(parsing: try! JSONValue(parsing: Data(text.utf8)), isValid: isValid)
    }

    @Test func queryNamesAChildOrAnUnbornBaby() throws {
        #expect(try Self.query(#"{"nhsNumber": "9990001235", "setting": "emergency-department"}"#).subject == .child(nhsNumber: "9990001235"))
        #expect(try Self.query(#"{"mother": {"nhsNumber": "9990001235"}, "expectedDeliveryDate": "2027-02-14", "setting": "emergency-department"}"#).subject
            == .unborn(motherNHSNumber: "9990001235", expectedDeliveryDate: "2027-02-14"))
    }

    // Every mistake is listed with its pointer.
    @Test(arguments: [
        (#"{"setting": "emergency-department"}"#, ["/nhsNumber"]),
        (#"{"nhsNumber": "1234", "setting": "ward"}"#, ["/nhsNumber", "/setting"]),
        (#"{"nhsNumber": "9990001235", "mother": {"nhsNumber": "9990001235"}, "setting": "emergency-department"}"#, ["/expectedDeliveryDate", "/nhsNumber"]),
        (#"{"mother": {"nhsNumber": "9990001235", "name": "J"}, "expectedDeliveryDate": "2027-02-14", "setting": "emergency-department", "x": 1}"#, ["/mother", "/x"]),
    ])
    func queryMistakes(text: String, pointers: [String]) {
        do {
            _ = try Self.query(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.problems.map(\.pointer).sorted() == pointers)
        }
    }

    // An unborn baby's token depends on the mother and the expected delivery date, and is not the mother's own.
    @Test func unbornTokensTellPregnanciesApart() throws {
        let tokens = try SubjectTokens(secret: Data(repeating: 7, count: 32))
        let subject = try #require(try exampleEnvelope()["subject"])
        let unborn = try #require(tokens.token(unbornOfMother: "9990001235", expectedDeliveryDate: "2027-02-14"))
        #expect(tokens.unbornTokens(of: subject) == [unborn])
        #expect(tokens.tokens(of: subject) == [unborn, try #require(tokens.token(nhsNumber: "9990001235"))].sorted())
        #expect(tokens.token(unbornOfMother: "9990001235", expectedDeliveryDate: "2029-01-01") != unborn)
        #expect(tokens.unbornTokens(of: .object(["nhsNumber": .string("9990001235")])).isEmpty)
        #expect(tokens.identityTokens(of: subject) == [unborn], "an unborn baby is not its mother")
    }
}
