import Foundation
import Hummingbird
import NIOCore
import ShareBroker
import ShareModel

/// `GET /v1/audit/fhir`: a subject's audit trail (`nhsNumber`, `system` with `value`, `mother`
/// with `edd`, as the workspace takes them), or every entry of a time range (`from` and `to`,
/// RFC 3339), as a FHIR R4 Bundle of AuditEvent resources (`application/fhir+json`). Auditors
/// only; recorded in the log like every audit query.
struct FHIRRoute {
    let broker: Broker

    static let parameterNames = ["nhsNumber", "system", "value", "mother", "edd", "from", "to"]

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("audit/fhir", use: export)
    }

    @Sendable func export(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let parameters = request.uri.queryParameters
        for (name, _) in parameters where !Self.parameterNames.contains(String(name)) {
            throw BrokerError(.badRequest, "'\(name.prefix(40))' is not a parameter of the FHIR export; they are \(Self.parameterNames.joined(separator: ", ")).")
        }
        func date(_ name: String) throws -> Date? {
            guard let text = parameters.get(name) else { return nil }
            guard let date = Timestamp.parse(text) else {
                throw BrokerError(.badRequest, "'\(name)' must be an RFC 3339 date-time such as 2026-11-22T09:31:00Z.")
            }
            return date
        }
        let (identifiers, _) = try WorkspaceRoutes.identifiers(request)
        let entries = try await broker.auditTrail(identifiers, from: try date("from"), to: try date("to"), for: try context.caller())
        let export = FHIRAuditExport(words: Words(directory: broker.directory, catalogue: broker.catalogue), subjects: identifiers)
        let body = try JSONCoding.encoder.encode(export.bundle(entries, generatedAt: broker.now()))
        return Response(status: .ok, headers: [.contentType: "application/fhir+json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
