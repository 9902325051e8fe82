import Foundation
import ShareClient
import ShareHTTP
import ShareTesting
import Testing

/// ShareClient's hand-written answer types against the OpenAPI document: at every level, each
/// member a type reads is in the document's schema, each member it requires is required there,
/// and each member the schema has is read (or named below as deliberately left out).
@Suite("Client wire types and the OpenAPI document")
struct ClientWireTypeTests {
    /// Members of the document a client type does not read, by design: every broker key is an
    /// ES256 signing key, so the client has no use for `use` and `alg`.
    static let leftOut: Set<String> = [
        "use", "alg", "agencies/*/keys/*/use", "agencies/*/keys/*/alg", "broker/auditKeys/*/use", "broker/auditKeys/*/alg",
        "broker/signingKeys/*/use", "broker/signingKeys/*/alg",
    ]

    /// The client type that reads each component of the document.
    static func clientType(of component: String) -> (any Decodable.Type)? {
        switch component {
        case "PublishAnswer": PublishAnswer.self
        case "BatchAnswer": BatchPublishAnswer.self
        case "Delivery": Delivery.self
        case "InboxAnswer": InboxAnswer.self
        case "Acknowledgement": AcknowledgementAnswer.self
        case "AcknowledgeManyAnswer": AcknowledgeManyAnswer.self
        case "MessageStatus": StatusAnswer.self
        case "Directory": DirectoryAnswer.self
        case "JWK": JWKAnswer.self
        case "Subscription": SubscriptionAnswer.self
        case "SubscriptionList": SubscriptionListAnswer.self
        case "Problem": Problem.self
        default: nil
        }
    }

    @Test("each client answer type reads what the document's schema describes", arguments: [
        "PublishAnswer", "BatchAnswer", "Delivery", "InboxAnswer", "Acknowledgement", "AcknowledgeManyAnswer", "MessageStatus",
        "Directory", "JWK", "Subscription", "SubscriptionList", "Problem",
    ])
    func matches(_ component: String) throws {
        let type = try #require(Self.clientType(of: component))
        let document = try OpenAPISchemas.load()
        for (place, members) in try decodedKeys(type) {
            let schema = try document.schema(component, at: place)
            let location = place.isEmpty ? component : "\(component) at /\(place.joined(separator: "/"))"
            for (name, required) in members {
                #expect(schema.properties.contains(name), "\(type) reads '\(name)' of \(location), which the document does not have")
                if required {
                    #expect(schema.required.contains(name), "\(type) requires '\(name)' of \(location), which the document says may be missing")
                }
            }
            for name in schema.properties where members[name] == nil {
                #expect(Self.leftOut.contains((place + [name]).joined(separator: "/")),
                        "\(type) does not read '\(name)' of \(location), which the document has")
            }
        }
    }

    private func decodedKeys<T: Decodable>(_ type: T.Type) throws -> [[String]: [String: Bool]] {
        try DecodedKeys.of(type)
    }
}

/// The component schemas of the OpenAPI document, read with their local `$ref`s, `allOf` and
/// `oneOf` flattened: the members an answer may have and those it must.
struct OpenAPISchemas {
    struct Members {
        var properties: Set<String> = []
        var required: Set<String> = []
        var nested: [String: [[String: Any]]] = [:]
        var items: [[String: Any]] = []
    }

    let components: [String: Any]

    static func load() throws -> OpenAPISchemas {
        let url = RepositoryPaths.schemas.appendingPathComponent(APIDocument.fileName)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let components = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        return OpenAPISchemas(components: components)
    }

    /// The members of component `name` at `place` (member names, `*` for an array's items).
    func schema(_ name: String, at place: [String]) throws -> Members {
        var schemas = [try #require(components[name] as? [String: Any], "no component \(name)")]
        for step in place {
            let members = flatten(schemas)
            schemas = step == "*" ? members.items : members.nested[step] ?? []
            try #require(!schemas.isEmpty, "the document has nothing at \(step) of \(name)/\(place.joined(separator: "/"))")
        }
        return flatten(schemas)
    }

    /// The members of all of `schemas` (the alternatives of a `oneOf` among them): a member any
    /// has, required when every one requires it.
    private func flatten(_ schemas: [[String: Any]]) -> Members {
        var result = Members()
        var required: Set<String>?
        for schema in schemas {
            let one = flatten(schema)
            result.properties.formUnion(one.properties)
            required = required.map { $0.intersection(one.required) } ?? one.required
            result.nested.merge(one.nested) { $0 + $1 }
            result.items += one.items
        }
        result.required = required ?? []
        return result
    }

    private func flatten(_ schema: [String: Any]) -> Members {
        var result = Members()
        if let reference = schema["$ref"] as? String, let target = components[String(reference.split(separator: "/").last ?? "")] as? [String: Any] {
            result = flatten(target)
        }
        for part in schema["allOf"] as? [[String: Any]] ?? [] {
            let one = flatten(part)
            result.properties.formUnion(one.properties)
            result.required.formUnion(one.required)
            result.nested.merge(one.nested) { $0 + $1 }
            result.items += one.items
        }
        if let alternatives = schema["oneOf"] as? [[String: Any]] {
            let one = flatten(alternatives)
            result.properties.formUnion(one.properties)
            result.required.formUnion(one.required)
            result.nested.merge(one.nested) { $0 + $1 }
            result.items += one.items
        }
        for (name, value) in schema["properties"] as? [String: [String: Any]] ?? [:] {
            result.properties.insert(name)
            result.nested[name, default: []].append(value)
        }
        result.required.formUnion(schema["required"] as? [String] ?? [])
        if let items = schema["items"] as? [String: Any] { result.items.append(items) }
        return result
    }
}
