import Foundation
import Hummingbird
import ShareAudit
import ShareBroker
import ShareModel
import ShareStore

/// `GET /v1/audit/...`: the signed tree head, proofs, and entries, for auditors. Every call
/// is itself recorded in the log.
struct AuditRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("audit/tree-head", use: treeHead)
        group.get("audit/proof/inclusion", use: inclusion)
        group.get("audit/proof/consistency", use: consistency)
        group.get("audit/entries", use: entries)
    }

    @Sendable func treeHead(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let (head, signed) = try await broker.signedTreeHead(for: try context.caller())
        return try jsonResponse(TreeHeadAnswer(treeHead: head, signed: signed))
    }

    @Sendable func inclusion(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let index = try request.integerQuery("index")
        let treeSize = try request.integerQuery("treeSize")
        let proof = try await broker.inclusionProof(index: index, treeSize: treeSize, for: try context.caller())
        return try jsonResponse(InclusionAnswer(index: index ?? 0, treeSize: treeSize ?? 0, leafHash: proof.leafHash.base64,
                                                path: proof.path.map(\.base64)))
    }

    @Sendable func consistency(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let first = try request.integerQuery("from")
        let second = try request.integerQuery("to")
        let path = try await broker.consistencyProof(from: first, to: second, for: try context.caller())
        return try jsonResponse(ConsistencyAnswer(from: first ?? 0, to: second ?? 0, path: path.map(\.base64)))
    }

    @Sendable func entries(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let events = try await broker.auditEntries(
            fromIndex: try request.integerQuery("fromIndex"), limit: try request.integerQuery("limit"), for: try context.caller())
        return try jsonResponse(EntriesAnswer(entries: events.map {
            EntriesAnswer.Entry(index: $0.index, leaf: $0.entry.base64EncodedString(), event: $0.event)
        }))
    }
}

struct TreeHeadAnswer: Encodable {
    let treeHead: TreeHead
    /// The canonical tree head JSON as the payload of an ES256 JWS by the broker's audit key.
    let signed: String
}

struct InclusionAnswer: Encodable {
    let index: Int
    let treeSize: Int
    let leafHash: String
    let path: [String]
}

struct ConsistencyAnswer: Encodable {
    let from: Int
    let to: Int
    let path: [String]
}

struct EntriesAnswer: Encodable {
    struct Entry: Encodable {
        let index: Int
        /// Base64 of the exact bytes whose RFC 9162 leaf hash is in the tree.
        let leaf: String
        let event: EventRecord
    }

    let entries: [Entry]
}
