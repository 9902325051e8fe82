import Foundation
import ShareModel
import ShareStoreConformance
import Testing

/// One broken field: where to change the example envelope, and the pointer the problem must carry.
struct BrokenField: Sendable, CustomTestStringConvertible {
    let name: String
    let path: [JSONKey]
    let value: JSONValue?
    let pointer: String

    var testDescription: String { name }
}

@Suite("Envelope reader")
struct EnvelopeReaderTests {
    // The demo's referral reads, with every field carried through as sent.
    @Test func readsValidEnvelope() throws {
        let document = try exampleEnvelope()
        let envelope = try EnvelopeReader().read(document).get()
        #expect(envelope.id == UUID(uuidString: "2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11"))
        #expect(envelope.type.name == "unborn-baby-referral" && envelope.type.version == 1)
        #expect(envelope.sender == .hospitals)
        #expect(envelope.to == [.csc])
        #expect(envelope.area == "E99999999")
        #expect(envelope.subject == document["subject"])
        #expect(envelope.payload == document["payload"])
        #expect(envelope.disclosure.purpose == "safeguarding-referral")
        #expect(envelope.disclosure.specialCategoryCondition == "safeguarding-of-children-and-individuals-at-risk")
        #expect(envelope.disclosure.consent.status == .notSought)
        #expect(envelope.disclosure.consent.reason == "Seeking consent could increase the risk to the unborn baby")
        #expect(envelope.disclosure.decidedBy.role == "Named Midwife for Safeguarding")
        #expect(envelope.disclosure.decidedAt == t0.addingTimeInterval(-60))
        #expect(envelope.sentAt == t0)
        #expect(envelope.expiresAt == t0.addingTimeInterval(30 * 86_400))
        #expect(envelope.inReplyTo == nil && envelope.respondBy == nil)
    }

    // Optional fields are optional: no expiry and consent given without a reason still read.
    @Test func readsWithoutOptionalFields() throws {
        let document = try exampleEnvelope()
            .setting(["expiresAt"], to: nil)
            .setting(["disclosure", "specialCategoryCondition"], to: nil)
            .setting(["disclosure", "consent"], to: .object(["status": .string("given")]))
        let envelope = try EnvelopeReader().read(document).get()
        #expect(envelope.expiresAt == nil)
        #expect(envelope.disclosure.specialCategoryCondition == nil)
        #expect(envelope.disclosure.consent.status == .given && envelope.disclosure.consent.reason == nil)
    }

    // A share that reconsiders a decision not to share carries the decision's id.
    @Test func readsReconsidered() throws {
        let document = try exampleEnvelope()
            .setting(["disclosure", "reconsiders"], to: .string("5D1C6A3E-8F0B-4B7E-9C2D-3A4F5E6B7C81"))
        let envelope = try EnvelopeReader().read(document).get()
        #expect(envelope.disclosure.reconsiders == UUID(uuidString: "5d1c6a3e-8f0b-4b7e-9c2d-3a4f5e6b7c81"))
        #expect(try EnvelopeReader().read(try exampleEnvelope()).get().disclosure.reconsiders == nil)
    }

    static let brokenFields: [BrokenField] = [
        BrokenField(name: "missing id", path: ["id"], value: nil, pointer: "/id"),
        BrokenField(name: "non-UUID id", path: ["id"], value: .string("referral-42"), pointer: "/id"),
        BrokenField(name: "id not a string", path: ["id"], value: .number(42), pointer: "/id"),
        BrokenField(name: "type without version", path: ["type"], value: .string("referral"), pointer: "/type"),
        BrokenField(name: "type version 0", path: ["type"], value: .string("referral/0"), pointer: "/type"),
        BrokenField(name: "bad sender", path: ["sender"], value: .string("Northshire Hospitals"), pointer: "/sender"),
        BrokenField(name: "to not an array", path: ["to"], value: .string("northshire-csc"), pointer: "/to"),
        BrokenField(name: "duplicate recipient", path: ["to"],
                    value: .array([.string("northshire-csc"), .string("northshire-csc")]), pointer: "/to/1"),
        BrokenField(name: "bad recipient", path: ["to"],
                    value: .array([.string("northshire-csc"), .number(3)]), pointer: "/to/1"),
        BrokenField(name: "bad area", path: ["area"], value: .string("X99999999"), pointer: "/area"),
        BrokenField(name: "short area", path: ["area"], value: .string("E9999999"), pointer: "/area"),
        BrokenField(name: "missing subject", path: ["subject"], value: nil, pointer: "/subject"),
        BrokenField(name: "empty subject", path: ["subject"], value: .object([:]), pointer: "/subject"),
        BrokenField(name: "missing disclosure", path: ["disclosure"], value: nil, pointer: "/disclosure"),
        BrokenField(name: "missing purpose", path: ["disclosure", "purpose"], value: nil, pointer: "/disclosure/purpose"),
        BrokenField(name: "id with a character more", path: ["id"], value: .string("2b7c0f7e-5a43-4c8e-9a5e-0d6f5f3f2a11a"), pointer: "/id"),
        BrokenField(name: "id without dashes", path: ["id"], value: .string("2b7c0f7e5a434c8e9a5e0d6f5f3f2a11"), pointer: "/id"),
        BrokenField(name: "blank rationale", path: ["disclosure", "rationale"], value: .string("  "),
                    pointer: "/disclosure/rationale"),
        BrokenField(name: "empty purpose", path: ["disclosure", "purpose"], value: .string(""), pointer: "/disclosure/purpose"),
        BrokenField(name: "rationale of non-ASCII white space", path: ["disclosure", "rationale"],
                    value: .string("\u{A0}\u{2003}\n"), pointer: "/disclosure/rationale"),
        BrokenField(name: "not-sought without reason", path: ["disclosure", "consent"],
                    value: .object(["status": .string("not-sought")]), pointer: "/disclosure/consent/reason"),
        BrokenField(name: "not-required without reason", path: ["disclosure", "consent"],
                    value: .object(["status": .string("not-required")]), pointer: "/disclosure/consent/reason"),
        BrokenField(name: "unknown consent status", path: ["disclosure", "consent", "status"],
                    value: .string("implied"), pointer: "/disclosure/consent/status"),
        BrokenField(name: "missing decidedBy role", path: ["disclosure", "decidedBy", "role"], value: nil,
                    pointer: "/disclosure/decidedBy/role"),
        BrokenField(name: "bad decidedAt", path: ["disclosure", "decidedAt"], value: .string("22/11/2026 09:30"),
                    pointer: "/disclosure/decidedAt"),
        BrokenField(name: "missing sentAt", path: ["sentAt"], value: nil, pointer: "/sentAt"),
        BrokenField(name: "expiresAt before sentAt", path: ["expiresAt"], value: .string("2026-11-22T09:00:00Z"),
                    pointer: "/expiresAt"),
        BrokenField(name: "expiresAt equal to sentAt", path: ["expiresAt"], value: .string("2026-11-22T10:31:00+01:00"),
                    pointer: "/expiresAt"),
        BrokenField(name: "respondBy before sentAt", path: ["respondBy"], value: .string("2026-11-22T09:00:00Z"),
                    pointer: "/respondBy"),
        BrokenField(name: "decidedAt after sentAt", path: ["disclosure", "decidedAt"], value: .string("2026-11-22T09:32:00Z"),
                    pointer: "/disclosure/decidedAt"),
        BrokenField(name: "bad inReplyTo", path: ["inReplyTo"], value: .string("earlier"), pointer: "/inReplyTo"),
        BrokenField(name: "reconsiders not a UUID", path: ["disclosure", "reconsiders"], value: .string("decision of 24 November"),
                    pointer: "/disclosure/reconsiders"),
        BrokenField(name: "missing payload", path: ["payload"], value: nil, pointer: "/payload"),
        BrokenField(name: "payload not an object", path: ["payload"], value: .string("see attached"), pointer: "/payload"),
        BrokenField(name: "unknown top-level field", path: ["colour"], value: .string("blue"), pointer: "/colour"),
        BrokenField(name: "unknown field needing escapes", path: ["a/b~c"], value: .null, pointer: "/a~1b~0c"),
    ]

    // Each broken field is reported once, at its exact JSON Pointer, with a message to act on.
    @Test(arguments: brokenFields)
    func reportsBrokenField(_ broken: BrokenField) throws {
        let found = problems(in: try exampleEnvelope().setting(broken.path, to: broken.value))
        #expect(found.map(\.pointer) == [broken.pointer])
        #expect(found.allSatisfy { !$0.message.isEmpty })
    }

    // Every problem is reported at once, so a sender can fix them all in one go.
    @Test func reportsSeveralProblems() throws {
        let document = try exampleEnvelope()
            .setting(["id"], to: nil)
            .setting(["area"], to: .string("Northshire"))
            .setting(["disclosure", "decidedBy", "role"], to: nil)
            .setting(["disclosure", "consent", "status"], to: .string("maybe"))
            .setting(["payload"], to: .array([]))
            .setting(["colour"], to: .string("blue"))
        let pointers = problems(in: document).map(\.pointer)
        #expect(pointers.count == 6)
        #expect(Set(pointers) == ["/id", "/area", "/disclosure/decidedBy/role", "/disclosure/consent/status",
                                  "/payload", "/colour"])
    }

    // A document that is not an object is one problem at the root pointer "".
    @Test func rejectsNonObject() {
        let found = problems(in: .array([]))
        #expect(found.map(\.pointer) == [""])
    }
}
