import Foundation
public import ShareAudit
public import ShareModel
public import ShareStore

extension Broker {
    /// The latest tree head, signed. Auditors only; the query is recorded first, so the head
    /// includes the record of its own asking.
    public func signedTreeHead(for agency: Agency) async throws -> (head: TreeHead, signed: String) {
        try await recordAuditQuery(by: agency, "tree-head")
        return try await auditLog.signedTreeHead(at: clock.now())
    }

    /// An inclusion proof. Auditors only; recorded.
    public func inclusionProof(index: Int?, treeSize: Int?, for agency: Agency) async throws -> (leafHash: Hash, path: [Hash]) {
        guard let index, let treeSize else {
            throw BrokerError(.badRequest, "Give both 'index' (the entry) and 'treeSize' (from a signed tree head).")
        }
        try await recordAuditQuery(by: agency, "inclusion-proof index=\(index) treeSize=\(treeSize)")
        return try await auditLog.inclusionProof(index: index, treeSize: treeSize)
    }

    /// A consistency proof. Auditors only; recorded.
    public func consistencyProof(from first: Int?, to second: Int?, for agency: Agency) async throws -> [Hash] {
        guard let first, let second else {
            throw BrokerError(.badRequest, "Give both 'from' and 'to' tree sizes (each from a signed tree head).")
        }
        try await recordAuditQuery(by: agency, "consistency-proof from=\(first) to=\(second)")
        return try await auditLog.consistencyProof(from: first, to: second)
    }

    /// Entries in index order with their exact bytes. Auditors only; recorded.
    public func auditEntries(fromIndex: Int?, limit: Int?, for agency: Agency) async throws -> [StoredEvent] {
        let fromIndex = fromIndex ?? 0
        let limit = limit ?? 100
        guard fromIndex >= 0, (1...1000).contains(limit) else {
            throw BrokerError(.badRequest, "'fromIndex' must be 0 or more and 'limit' from 1 to 1000.")
        }
        try await recordAuditQuery(by: agency, "entries fromIndex=\(fromIndex) limit=\(limit)")
        do {
            return try await store.events(from: fromIndex, limit: limit)
        } catch {
            throw storeFailure(error)
        }
    }

    private func recordAuditQuery(by agency: Agency, _ query: String) async throws {
        guard agency.kind == .auditor else {
            throw BrokerError(.auditorsOnly, "The audit API is for agencies of kind 'auditor'; '\(agency.id)' is \(agency.kind.rawValue).")
        }
        do {
            try await store.record([EventRecord(kind: .auditQueried, at: clock.now(), agency: agency.id, query: query)])
        } catch {
            throw storeFailure(error)
        }
    }
}
