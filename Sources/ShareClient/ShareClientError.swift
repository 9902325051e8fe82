import Foundation

/// An RFC 9457 problem document from the broker.
public struct Problem: Sendable, Decodable, Equatable {
    public struct Item: Sendable, Decodable, Equatable {
        public let pointer: String
        public let message: String
        /// For a schema error: the rule broken, such as `urn:sharebroker:schema:common#/$defs/nhsNumber/format`.
        public let schemaLocation: String?
    }

    public let type: String
    public let title: String
    public let status: Int
    public let detail: String
    public let code: String
    public let errors: [Item]?
}

/// A request the broker refused or could not answer.
public struct ShareClientError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status, or nil if no response arrived.
    public let status: Int?
    /// The broker's problem document, when it sent one.
    public let problem: Problem?
    public let reason: String

    public var description: String {
        guard let problem else { return reason }
        var text = "\(problem.status) \(problem.title) [\(problem.code)]: \(problem.detail)"
        for item in problem.errors ?? [] {
            text += "\n  at \(item.pointer.isEmpty ? "(envelope)" : item.pointer): \(item.message)"
        }
        return text
    }
}
