import Foundation
import Hummingbird
import NIOCore
import ShareAudit
import ShareBroker
import ShareModel

/// `GET /v1/audit/...`: the signed tree head, proofs, and entries, for auditors. Every call
/// is itself recorded in the log.
struct AuditRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("audit/tree-head", use: treeHead)
        group.get("audit/proof/inclusion", use: inclusion)
        group.get("audit/proof/inclusions", use: inclusions)
        group.get("audit/proof/consistency", use: consistency)
        group.get("audit/entries", use: entries)
        group.get("audit/tree-heads", use: treeHeads)
        group.get("audit/subjects/report", use: report)
        group.get("audit/legal-holds", use: legalHolds)
        group.post("audit/legal-holds", use: placeLegalHold)
        group.delete("audit/legal-holds", use: liftLegalHold)
    }

    /// The query parameters `/v1/audit/entries` and the subject report take.
    static let parameterNames = ["nhsNumber", "system", "value", "subject", "agency", "messageId", "kind", "from", "to",
                                 "fromIndex", "limit", "format"]

    /// Reads the filter parameters of `/v1/audit/entries` and the subject report. A parameter
    /// it does not know is a 400 naming those there are (the broker refuses unknown kinds and
    /// agencies): a filter that matches nothing because of a typo would read as "nothing happened".
    func query(_ request: Request) throws -> AuditQuery {
        let parameters = request.uri.queryParameters
        for (name, _) in parameters where !Self.parameterNames.contains(String(name)) {
            throw BrokerError(.badRequest, "'\(name)' is not a filter of the audit API; the filters are \(Self.parameterNames.joined(separator: ", ")).")
        }
        func text(_ name: String) -> String? { parameters.get(name) }
        func date(_ name: String) throws -> Date? {
            guard let value = text(name) else { return nil }
            guard let date = Timestamp.parse(value) else {
                throw BrokerError(.badRequest, "'\(name)' must be an RFC 3339 date-time such as 2026-11-22T09:31:00Z.")
            }
            return date
        }
        var conditions = EventFilter(kind: text("kind").map(EventRecord.Kind.init), from: try date("from"), to: try date("to"),
                                     fromIndex: try request.integerQuery("fromIndex") ?? 0)
        if let agency = text("agency") {
            guard let id = AgencyID(agency) else {
                throw BrokerError(.badRequest, "'agency' must be an agency id, not '\(agency.prefix(64))'.")
            }
            conditions.agency = id
        }
        if let message = text("messageId") {
            guard let id = UUID(uuidString: message) else { throw BrokerError(.badRequest, "'messageId' must be a UUID.") }
            conditions.messageID = id
        }
        return AuditQuery(nhsNumber: text("nhsNumber"), subjectToken: text("subject"), localSystem: text("system"),
                          localValue: text("value"), conditions: conditions, limit: try request.integerQuery("limit") ?? 100)
    }

    @Sendable func treeHead(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let (head, signed) = try await broker.signedTreeHead(for: try context.caller())
        return try jsonResponse(TreeHeadAnswer(treeHead: head, signed: signed))
    }

    @Sendable func treeHeads(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let kept = try await broker.keptTreeHeads(
            fromSize: try request.integerQuery("fromSize"), limit: try request.integerQuery("limit"), for: try context.caller())
        return try jsonResponse(KeptTreeHeadsAnswer(treeHeads: kept.map {
            TreeHeadAnswer(treeHead: TreeHead(treeSize: $0.treeSize, rootHash: $0.rootHash, timestamp: $0.timestamp), signed: $0.signed)
        }))
    }

    @Sendable func inclusion(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let index = try request.integerQuery("index")
        let treeSize = try request.integerQuery("treeSize")
        let proof = try await broker.inclusionProof(index: index, treeSize: treeSize, for: try context.caller())
        return try jsonResponse(InclusionAnswer(index: index ?? 0, treeSize: treeSize ?? 0, leafHash: proof.leafHash.base64,
                                                path: proof.path.map(\.base64)))
    }

    /// `GET /v1/audit/proof/inclusions?treeSize=N&index=I&index=J…`: several proofs, recorded once.
    @Sendable func inclusions(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let treeSize = try request.integerQuery("treeSize")
        let indices = try request.uri.queryParameters.getAll("index").map { text in
            guard let index = Int(text) else { throw HTTPError(.badRequest, message: "'index' must be a whole number, not '\(text.prefix(64))'.") }
            return index
        }
        let proofs = try await broker.inclusionProofs(indices: indices, treeSize: treeSize, for: try context.caller())
        return try jsonResponse(InclusionsAnswer(treeSize: treeSize ?? 0, proofs: zip(indices, proofs).map { index, proof in
            InclusionAnswer(index: index, treeSize: treeSize ?? 0, leafHash: proof.leafHash.base64, path: proof.path.map(\.base64))
        }))
    }

    @Sendable func consistency(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let first = try request.integerQuery("from")
        let second = try request.integerQuery("to")
        let path = try await broker.consistencyProof(from: first, to: second, for: try context.caller())
        return try jsonResponse(ConsistencyAnswer(from: first ?? 0, to: second ?? 0, path: path.map(\.base64)))
    }

    @Sendable func entries(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let events = try await broker.auditEntries(try query(request), for: try context.caller())
        return try jsonResponse(EntriesAnswer(entries: events.map {
            EntriesAnswer.Entry(index: $0.index, leaf: $0.entry.base64EncodedString(), event: $0.event)
        }))
    }
}

extension AuditRoutes {
    /// `GET /v1/audit/subjects/report`: JSON, or a printable HTML page with `format=html`.
    @Sendable func report(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let report = try await broker.subjectReport(try query(request), for: try context.caller())
        guard request.uri.queryParameters.get("format") == "html" else { return try jsonResponse(report) }
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: SubjectReportPage.html(report))))
    }
}

extension AuditRoutes {
    /// `GET /v1/audit/legal-holds`: the holds in force, by subject token.
    @Sendable func legalHolds(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let holds = try await broker.legalHolds(for: try context.caller())
        return try jsonResponse(LegalHoldsAnswer(legalHolds: holds.map { .init(subject: $0.token, placedAt: $0.placedAt) }))
    }

    /// `POST /v1/audit/legal-holds?nhsNumber=…` (or `system` and `value`, or `subject`): no message
    /// about the subject is purged until the hold is lifted. 201 when placed, 200 when it was in force already.
    @Sendable func placeLegalHold(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let (token, placed) = try await broker.placeLegalHold(try query(request), by: try context.caller())
        return try jsonResponse(LegalHoldAnswer(subject: token, held: true), status: placed ? .created : .ok)
    }

    /// `DELETE /v1/audit/legal-holds?…`: lifts the hold; the subject's messages are purged as their
    /// retention ends. 404 when no hold was in force.
    @Sendable func liftLegalHold(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let (token, lifted) = try await broker.liftLegalHold(try query(request), by: try context.caller())
        guard lifted else { throw BrokerError(.notFound, "No legal hold is in force on that subject; GET /v1/audit/legal-holds lists them.") }
        return try jsonResponse(LegalHoldAnswer(subject: token, held: false))
    }
}

struct LegalHoldAnswer: Encodable {
    /// The subject's token, as its audit entries carry it.
    let subject: String
    let held: Bool
}

struct LegalHoldsAnswer: Encodable {
    struct Hold: Encodable {
        let subject: String
        let placedAt: Date
    }

    let legalHolds: [Hold]
}

struct TreeHeadAnswer: Encodable {
    let treeHead: TreeHead
    /// The canonical tree head JSON as the payload of an ES256 JWS by the broker's audit key.
    let signed: String
}

struct KeptTreeHeadsAnswer: Encodable {
    let treeHeads: [TreeHeadAnswer]
}

struct InclusionAnswer: Encodable {
    let index: Int
    let treeSize: Int
    let leafHash: String
    let path: [String]
}

struct InclusionsAnswer: Encodable {
    let treeSize: Int
    let proofs: [InclusionAnswer]
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
