import Foundation
import ShareBroker
import ShareJWS
import ShareModel

/// The answer to `POST /v1/messages/batch` (its body is read by `BatchBody`).
enum BatchPublish {
    /// The 200 answer: one result per message, in the order sent, each with the HTTP status
    /// the message would have had on its own and either its publish answer or its problem.
    static func answer(_ results: [Result<PublishResult, any Error>], describing describe: (any Error) -> ProblemDocument) -> JSONValue {
        var accepted = 0
        let items = results.map { result -> JSONValue in
            switch result {
            case .success(let published):
                accepted += 1
                var members = publishAnswer(published.receipt)
                members["status"] = .number(201)
                if published.replayed { members["replayed"] = .bool(true) }
                return .object(members)
            case .failure(let error):
                let problem = describe(error)
                return .object(["status": .number(Double(problem.status)), "problem": problem.jsonValue])
            }
        }
        return .object([
            "results": .array(items), "accepted": .number(Double(accepted)), "refused": .number(Double(results.count - accepted)),
        ])
    }
}
