import HTTPTypes
import Hummingbird
import ShareBroker

/// `GET /health`: 200 `{"status": "ok"}`; 503 with `"stopping"` during shutdown, or with
/// `"audit-log-inconsistent"` (and where the log first disagrees) once the stored audit log
/// disagrees with a tree head the broker signed.
func healthResponse(_ broker: Broker) throws -> Response {
    if case .inconsistent(let disagreement) = broker.auditLog.integrity {
        return try jsonResponse(HealthAnswer(status: "audit-log-inconsistent", auditLog: .init(
            firstSuspectIndex: disagreement.firstSuspectIndex, signedTreeSize: disagreement.signedTreeSize,
            reason: disagreement.reason)), status: .serviceUnavailable)
    }
    if broker.isStopping {
        return try jsonResponse(HealthAnswer(status: "stopping", auditLog: nil), status: .serviceUnavailable)
    }
    return try jsonResponse(HealthAnswer(status: "ok", auditLog: nil))
}

private struct HealthAnswer: Encodable {
    struct AuditLogState: Encodable {
        let firstSuspectIndex: Int
        let signedTreeSize: Int
        let reason: String
    }

    let status: String
    let auditLog: AuditLogState?
}
