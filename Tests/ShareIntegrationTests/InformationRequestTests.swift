import Foundation
import ShareClient
import ShareModel
import ShareTesting
import Testing

/// Information requests: the MASH asks, partners answer `inReplyTo` it, and the requester sees
/// when answers are due and who has answered.
@Suite("Information requests")
struct InformationRequestTests {
    /// A catalogue example with a fresh id, sent now, edited by `edit`.
    static func example(_ path: String, sentAt: Date, _ edit: (inout [String: Any]) -> Void = { _ in }) throws -> Data {
        let data = try Data(contentsOf: RepositoryPaths.examples.appendingPathComponent(path))
        var envelope = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        envelope["id"] = UUID().uuidString.lowercased()
        envelope["sentAt"] = sentAt.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        envelope["expiresAt"] = nil
        edit(&envelope)
        return try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])
    }

    static func id(of data: Data) throws -> String {
        try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? String)
    }

    // Without respondBy, a red enquiry's answers are due 4 hours after sentAt (the demo policy).
    // Each answer is listed in the enquiry's status, for the MASH only.
    @Test("respondBy comes from the urgency, and the status lists who has answered")
    func deadlineAndAnswers() async throws {
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded(.down))
        try await withBroker(clock: TestClock(now)) { broker in
            let enquiry = try Self.example("mash-enquiry-1/valid-red-neglect.json", sentAt: now) { $0["respondBy"] = nil }
            let enquiryID = try Self.id(of: enquiry)
            let sent = try await broker.postJWS(try broker.signer(for: "northshire-mash").sign(envelope: enquiry), as: "northshire-mash")
            #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")

            let answer = try Self.example("mash-enquiry-response-1/valid-known-with-findings.json", sentAt: now) { $0["inReplyTo"] = enquiryID }
            let answered = try await broker.postJWS(try broker.signer(for: "northshire-hospitals").sign(envelope: answer), as: "northshire-hospitals")
            #expect(answered.status == 201, "\(String(decoding: answered.body, as: UTF8.self))")

            let police = try await broker.client(as: "northshire-police").inbox()
            #expect(police.first?.respondBy.flatMap(Timestamp.parse) == now.addingTimeInterval(4 * 3600),
                    "the agency asked sees when its answer is due")
            let mash = try broker.client(as: "northshire-mash")
            let status = try await mash.status(message: try #require(UUID(uuidString: enquiryID)))
            #expect(status.respondBy.flatMap(Timestamp.parse) == now.addingTimeInterval(4 * 3600))
            #expect(status.answers.map(\.agency) == ["northshire-hospitals"])
            #expect(status.answers.first?.messageId.uuidString.lowercased() == (try Self.id(of: answer)))
        }
    }

    // Only the sender or a recipient of a message may answer it.
    @Test("an answer to a message the sender neither sent nor received is refused (422)")
    func answerOnlyWhatYouReceived() async throws {
        try await withBroker { broker in
            let now = broker.clock.now()
            let enquiry = try Self.example("mash-enquiry-1/valid-red-neglect.json", sentAt: now) { $0["respondBy"] = nil }
            _ = try await broker.postJWS(try broker.signer(for: "northshire-mash").sign(envelope: enquiry), as: "northshire-mash")
            let stranger = try Self.example("mash-enquiry-response-1/valid-not-known.json", sentAt: now) { envelope in
                envelope["inReplyTo"] = try? Self.id(of: enquiry)
                envelope["sender"] = "northshire-csc"
            }
            let refused = try await broker.postJWS(try broker.signer(for: "northshire-csc").sign(envelope: stranger), as: "northshire-csc")
            #expect(refused.status == 422)
            #expect(refused.problem?.errors?.map(\.pointer) == ["/inReplyTo"])
        }
    }
}
