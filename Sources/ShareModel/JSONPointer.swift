import Foundation

/// An RFC 6901 JSON Pointer, built up while walking a document.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public private(set) var tokens: [String]

    public init(_ tokens: [String] = []) {
        self.tokens = tokens
    }

    /// The pointer to the whole document: "".
    public static let root = JSONPointer()

    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens + [token])
    }

    public func appending(_ index: Int) -> JSONPointer {
        appending(String(index))
    }

    public var description: String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }
            .joined()
    }
}

extension JSONPointer: ExpressibleByStringLiteral {
    /// Builds a pointer from its string form, such as "/disclosure/consent".
    public init(stringLiteral value: String) {
        self.init(value.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        })
    }
}

/// One thing wrong with a document: where (a JSON Pointer) and what, in words a person can act on.
public struct ValidationProblem: Sendable, Equatable, Codable {
    public let pointer: String
    public let message: String
    /// For a schema rule: the rule's absolute location, such as
    /// `urn:sharebroker:schema:common#/$defs/nhsNumber/format`.
    public let schemaLocation: String?

    public init(pointer: JSONPointer, message: String, schemaLocation: String? = nil) {
        self.pointer = pointer.description
        self.message = message
        self.schemaLocation = schemaLocation
    }
}

extension JSONValue {
    /// The value `pointer` refers to in this document, or nil if there is none.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let items):
                guard let index = Int(token), String(index) == token, items.indices.contains(index) else { return nil }
                current = items[index]
            default:
                return nil
            }
        }
        return current
    }
}
