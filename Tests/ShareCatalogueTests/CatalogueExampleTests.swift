import Foundation
import ShareCatalogue
import ShareModel
import ShareSchema
import ShareTesting
import Testing

/// Schemas/examples/ is part of the contract: each example must behave as annotated.
@Suite("Catalogue examples through the validator")
struct CatalogueExampleTests {
    static let examples = (try? CatalogueExample.all()) ?? []

    // The catalogue has examples for the envelope and for every message type, valid and invalid.
    @Test("every message type has valid and invalid examples")
    func coverage() throws {
        let examples = try CatalogueExample.all()
        let schemaIDs = [MessageCatalogue.envelopeID] + repositoryCatalogue.messageTypes.map(MessageCatalogue.schemaID)
        #expect(repositoryCatalogue.messageTypes.count >= 10)
        for id in schemaIDs {
            let mine = examples.filter { $0.schemaID == id }
            #expect(mine.filter { $0.expectedErrors == nil }.count >= 2, "\(id) needs valid examples")
            #expect(mine.filter { $0.expectedErrors != nil }.count >= 3, "\(id) needs invalid examples")
        }
    }

    // Valid examples have no errors; invalid ones have exactly the annotated (pointer, keyword) errors.
    @Test("each example gives exactly the annotated errors", arguments: examples)
    func annotated(_ example: CatalogueExample) throws {
        let validator = try #require(repositoryCatalogue.schemas.validator(for: example.schemaID))
        let errors = validator.validate(try example.instance())
        let found = errors.map { CatalogueExample.ExpectedError(instanceLocation: $0.instanceLocation.description, keyword: $0.keyword) }
        #expect(found.sorted() == (example.expectedErrors ?? []), "\(errors.map(\.description))")
        for error in errors {
            #expect(!error.message.isEmpty && error.absoluteKeywordLocation.hasPrefix("urn:sharebroker:schema:"))
        }
    }

    // The broker's check of a whole envelope picks the schema from its `type`: an enquiry's
    // payload relabelled as a referral is checked, and refused, as a referral.
    @Test("an envelope is checked against the schema its type names")
    func checkedByType() throws {
        let example = try #require(Self.examples.first { $0.relativePath.contains("mash-enquiry-1/valid-") })
        guard case .object(var envelope) = try example.instance() else { Issue.record("not an object"); return }
        #expect(repositoryCatalogue.problems(in: .object(envelope)).isEmpty)
        envelope["type"] = .string("unborn-baby-referral/1")
        let problems = repositoryCatalogue.problems(in: .object(envelope))
        #expect(!problems.isEmpty)
        #expect(problems.allSatisfy { $0.pointer.hasPrefix("/payload") || $0.pointer.hasPrefix("/subject") })
        #expect(problems.allSatisfy { $0.schemaLocation?.hasPrefix("urn:sharebroker:schema:unborn-baby-referral:1#") == true
            || $0.schemaLocation?.hasPrefix("urn:sharebroker:schema:envelope#") == true })
    }

    // An unknown type is named as such, and the envelope's own mistakes are still reported.
    @Test("an unknown type is a problem at /type, with the envelope's other problems")
    func unknownType() throws {
        let example = try #require(Self.examples.first { $0.relativePath.contains("unborn-baby-referral-1/valid-") })
        guard case .object(var envelope) = try example.instance() else { Issue.record("not an object"); return }
        envelope["type"] = .string("pre-birth-referral/7")
        envelope["area"] = .string("Northshire")
        #expect(repositoryCatalogue.isUnknownType(.object(envelope)))
        let problems = repositoryCatalogue.problems(in: .object(envelope))
        #expect(problems.map(\.pointer).sorted() == ["/area", "/type"])
        #expect(problems.first { $0.pointer == "/type" }?.message.contains("pre-birth-referral/7") == true)
    }

    // A missing required member is pointed at by name, for the person fixing the message.
    @Test("a missing member is pointed at directly")
    func missingMemberPointer() throws {
        let example = try #require(Self.examples.first { $0.relativePath.contains("unborn-baby-referral-1/valid-") })
        guard case .object(var envelope) = try example.instance() else { Issue.record("not an object"); return }
        envelope["sentAt"] = nil
        let problems = repositoryCatalogue.problems(in: .object(envelope))
        #expect(problems.count == 1)
        #expect(problems.first?.pointer == "/sentAt")
        #expect(problems.first?.schemaLocation == "urn:sharebroker:schema:envelope#/required")
    }
}
