import Foundation
import ShareBroker
import ShareModel
import Testing

@Suite("Subject tokens")
struct SubjectTokensTests {
    private let tokens = try! SubjectTokens(secret: Data(repeating: 7, count: 32))

    // An NHS number has one token however it is spaced, and only ten ASCII digits make one.
    @Test func nhsNumberTokenIgnoresSpacingAndRefusesOtherText() throws {
        let plain = try #require(tokens.token(nhsNumber: "9990001235"))
        #expect(tokens.token(nhsNumber: "999 000 1235") == plain)
        #expect(tokens.token(nhsNumber: "999-000-1235") == plain)
        #expect(tokens.token(nhsNumber: "9990001236") != plain)
        for refused in ["999000123", "99900012355", "999000123X", "٩٩٩٠٠٠١٢٣٥", "９９９０００１２３５", ""] {
            #expect(tokens.token(nhsNumber: refused) == nil, "\(refused)")
        }
        let otherKey = try SubjectTokens(secret: Data(repeating: 8, count: 32))
        #expect(otherKey.token(nhsNumber: "9990001235") != plain, "tokens depend on the broker's secret")
    }

    // The tokens are the documented HMAC-SHA256, as Python's hmac computes it
    // (`base64.urlsafe_b64encode(hmac.new(bytes([7]) * 32, b"nhs:9990001235", hashlib.sha256).digest())`
    // without its padding), however many are computed, and from however many tasks at once.
    @Test func tokensAreTheDocumentedHMACFromAnyNumberOfTasks() async throws {
        let expected = ["lltlboau3d6rPY5J80Loz1G3lM1e6iETqMEFu6pl7D8", "YB2oHb_2yxcavv8qsqEwcvBr7evaxAuSJ1NbCX1YQ0g"]
        let tokens = self.tokens
        let results = await withTaskGroup(of: [String?].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<200).flatMap { _ in [tokens.token(nhsNumber: "9990001235"), tokens.token(system: "mrn", value: "A1")] }
                }
            }
            return await group.reduce(into: [[String?]]()) { $0.append($1) }
        }
        #expect(results.count == 8)
        for result in results {
            #expect(result == Array(repeatElement(expected, count: 200).joined()))
        }
    }

    // Every identifier anywhere in a subject is found, once, in sorted order.
    @Test func tokensOfASubjectCollectEveryIdentifier() throws {
        let subject = try JSONValue(parsing: Data("""
            {"unborn": true, "mother": {"nhsNumber": "999 000 1235", "localIdentifiers": [{"system": "mrn", "value": "A1"}]},
             "siblings": [{"nhsNumber": "9990001235"}, {"nhsNumber": "not a number"}]}
            """.utf8))
        let expected = [try #require(tokens.token(nhsNumber: "9990001235")), tokens.token(system: "mrn", value: "A1")].sorted()
        #expect(tokens.tokens(of: subject) == expected)
    }
}
