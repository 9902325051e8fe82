import Foundation

/// A subscription as the broker answers it.
public struct SubscriptionAnswer: Sendable, Codable, Equatable {
    public struct Filter: Sendable, Codable, Equatable {
        public let pointer: String
        public let values: [String]

        public init(pointer: String, values: [String]) {
            self.pointer = pointer
            self.values = values
        }
    }

    public let id: String
    public let agency: String
    public let types: [String]
    public let areas: [String]
    public let filters: [Filter]
    public let createdAt: String
}

/// The caller's subscriptions.
public struct SubscriptionListAnswer: Sendable, Codable {
    public let subscriptions: [SubscriptionAnswer]
}

extension ShareClient {
    /// Subscribes the caller to message types in areas, narrowed by `filters`.
    public func subscribe(types: [String], areas: [String], filters: [SubscriptionAnswer.Filter] = []) async throws -> SubscriptionAnswer {
        struct Request: Encodable {
            let types: [String]
            let areas: [String]
            let filters: [SubscriptionAnswer.Filter]
        }
        let body = try JSONEncoder().encode(Request(types: types, areas: areas, filters: filters))
        return try decode(try await send("POST", "/v1/subscriptions", body: body, contentType: "application/json"), expect: 201)
    }

    public func subscriptions() async throws -> [SubscriptionAnswer] {
        let answer: SubscriptionListAnswer = try await get("/v1/subscriptions")
        return answer.subscriptions
    }

    /// Removes one of the caller's subscriptions.
    public func unsubscribe(_ id: String) async throws {
        try expect(try await send("DELETE", "/v1/subscriptions/\(id)"), status: 204)
    }
}
