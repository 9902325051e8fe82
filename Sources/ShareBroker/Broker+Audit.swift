import Foundation
import Logging
public import ShareAudit
public import ShareModel
import ShareStore

extension Broker {
    /// The latest tree head, signed. Auditors only; the query is recorded first, so the head
    /// includes the record of its own asking.
    public func signedTreeHead(for agency: Agency) async throws -> (head: TreeHead, signed: String) {
        try await recordAuditQuery(by: agency, "tree-head")
        do {
            return try await auditLog.signAndKeep(at: clock.now())
        } catch let error as BrokerError {
            throw error
        } catch {
            throw storeFailure(error)
        }
    }

    /// The tree heads the broker signed and kept, from `fromSize` on. Auditors only; recorded.
    public func keptTreeHeads(fromSize: Int?, limit: Int?, for agency: Agency) async throws -> [SignedTreeHeadRecord] {
        let fromSize = fromSize ?? 0
        let limit = limit ?? 100
        guard fromSize >= 0, (1...1000).contains(limit) else {
            throw BrokerError(.badRequest, "'fromSize' must be 0 or more and 'limit' from 1 to 1000.")
        }
        try await recordAuditQuery(by: agency, "tree-heads fromSize=\(fromSize) limit=\(limit)")
        do {
            return try await store.treeHeads(fromSize: fromSize, limit: limit)
        } catch {
            throw storeFailure(error)
        }
    }

    /// The check made at start, before the API opens: the quick check of the stored tree against
    /// the latest kept tree head (`AuditLog.checkLatestHead`), then the full check
    /// (`verifyAuditLog`), waited for at most `startCheckWait`. A log too large to re-hash in
    /// that time is served meanwhile (the quick check passed) while the full check goes on.
    public func checkAuditLogAtStart() async {
        do {
            if case .inconsistent = report(try await auditLog.checkLatestHead()) { return }
        } catch {
            logger.error("The audit log could not be checked at start", metadata: ["share.reason": "\(error)"])
        }
        let (outcome, signal) = AsyncStream<Bool>.makeStream()
        Task { [self] in
            await verifyAuditLog()
            signal.yield(true)
        }
        let timer = Task {
            try? await Task.sleep(for: Self.startCheckWait)
            signal.yield(false)
        }
        var first = outcome.makeAsyncIterator()
        let finished = await first.next() ?? false
        timer.cancel()
        signal.finish()
        if !finished {
            logger.info("Audit log: every entry is being re-hashed in the background (progress in the log and in sharebroker_audit_log_checked_entries)")
        }
    }

    /// How long the start waits for the full check of the audit log before serving.
    static let startCheckWait: Duration = .seconds(2)

    /// Checks the stored log entry by entry against the stored tree and every tree head the
    /// broker signed (`AuditLog.verify()`), at start and periodically, logging progress every
    /// 2^20 entries. A disagreement is logged as a critical alarm naming the first index that
    /// may have changed; from then on publishes and audit answers are refused
    /// (`audit-log-inconsistent`) and `/health` reports it. A store that cannot be read is
    /// logged and leaves the last result in force.
    @discardableResult
    public func verifyAuditLog() async -> LogIntegrity {
        do {
            return report(try await auditLog.verify { [logger, metrics] checked in
                metrics.recordAuditEntriesChecked(checked)
                if checked % (1 << 20) == 0 {
                    logger.info("Audit log check: entries re-hashed", metadata: [ShareLogKey.count: "\(checked)"])
                }
            })
        } catch {
            logger.error("The audit log could not be checked; it is checked again at the next interval", metadata: ["share.reason": "\(error)"])
            return auditLog.integrity
        }
    }

    /// Logs what a check of the audit log found; returns it.
    @discardableResult
    private func report(_ result: LogIntegrity) -> LogIntegrity {
        switch result {
        case .inconsistent(let disagreement):
            logger.critical("AUDIT LOG TAMPERED: the stored log disagrees with a tree head this broker signed; publishes and audit answers are refused until the store is restored from a backup", metadata: [
                "share.first_suspect_index": "\(disagreement.firstSuspectIndex)",
                "share.signed_tree_size": "\(disagreement.signedTreeSize)", "share.reason": "\(disagreement.reason)",
            ])
        case .consistent(let size, let heads):
            logger.info("Audit log verified against its signed tree heads", metadata: [
                ShareLogKey.count: "\(size)", "share.tree_heads": "\(heads)",
            ])
        case .provisional(let size):
            logger.info("Audit log: the stored tree matches the latest signed tree head", metadata: [ShareLogKey.count: "\(size)"])
        case .unchecked:
            break
        }
        return result
    }

    /// Signs and keeps a tree head if the log grew; the periodic signer calls this.
    public func signTreeHeadIfGrown() async throws -> TreeHead? {
        try await auditLog.signIfGrown(at: clock.now())
    }

    /// An inclusion proof. Auditors only; recorded.
    public func inclusionProof(index: Int?, treeSize: Int?, for agency: Agency) async throws -> (leafHash: Hash, path: [Hash]) {
        guard let index, let treeSize else {
            throw BrokerError(.badRequest, "Give both 'index' (the entry) and 'treeSize' (from a signed tree head).")
        }
        try await recordAuditQuery(by: agency, "inclusion-proof index=\(index) treeSize=\(treeSize)")
        return try await auditLog.inclusionProof(index: index, treeSize: treeSize)
    }

    /// The most entries one call of `inclusionProofs` proves.
    public static let maxProofsAtOnce = 1000

    /// Inclusion proofs of several entries in one tree, in the order asked, recorded as one
    /// query: a page that checks every entry it shows grows the log by one entry, not one per
    /// entry. Auditors only.
    public func inclusionProofs(indices: [Int], treeSize: Int?, for agency: Agency) async throws -> [(leafHash: Hash, path: [Hash])] {
        guard let treeSize, !indices.isEmpty else {
            throw BrokerError(.badRequest, "Give 'treeSize' (from a signed tree head) and at least one 'index' (repeat it for each entry).")
        }
        guard indices.count <= Self.maxProofsAtOnce else {
            throw BrokerError(.badRequest, "At most \(Self.maxProofsAtOnce) 'index' values at once, not \(indices.count); ask again for the rest.")
        }
        try await recordAuditQuery(by: agency, "inclusion-proofs treeSize=\(treeSize) count=\(indices.count)")
        var proofs: [(leafHash: Hash, path: [Hash])] = []
        for index in indices {
            proofs.append(try await auditLog.inclusionProof(index: index, treeSize: treeSize))
        }
        return proofs
    }

    /// A consistency proof. Auditors only; recorded.
    public func consistencyProof(from first: Int?, to second: Int?, for agency: Agency) async throws -> [Hash] {
        guard let first, let second else {
            throw BrokerError(.badRequest, "Give both 'from' and 'to' tree sizes (each from a signed tree head).")
        }
        try await recordAuditQuery(by: agency, "consistency-proof from=\(first) to=\(second)")
        return try await auditLog.consistencyProof(from: first, to: second)
    }

    /// Entries matching `query`, in index order with their exact bytes. Auditors only; recorded
    /// (with the subject's token, never the identifier asked about). A subject's entries include
    /// those about the unborn subject that a birth link joins to it.
    public func auditEntries(_ query: AuditQuery, for agency: Agency) async throws -> [StoredEvent] {
        guard query.conditions.fromIndex >= 0, (1...1000).contains(query.limit) else {
            throw BrokerError(.badRequest, "'fromIndex' must be 0 or more and 'limit' from 1 to 1000.")
        }
        let filter = try eventFilter(query)
        try await recordAuditQuery(by: agency, "entries \(filter.recordedForm) limit=\(query.limit)")
        do {
            guard let token = filter.subjectToken else { return try await store.events(matching: filter, limit: query.limit) }
            return try await events(about: try await tokensJoinedByBirthLinks(to: token), matching: filter, limit: query.limit)
        } catch {
            throw storeFailure(error)
        }
    }

    /// The disclosure chronology of the subject named in `query`, with what was recorded about
    /// the unborn subject a birth link joins to it. Auditors only; recorded.
    public func subjectReport(_ query: AuditQuery, for agency: Agency) async throws -> SubjectReport {
        let filter = try eventFilter(query)
        guard let token = filter.subjectToken else {
            throw BrokerError(.badRequest, "Name the subject: 'nhsNumber', or 'system' and 'value' of a local identifier.")
        }
        try await recordAuditQuery(by: agency, "subject-report \(filter.recordedForm)")
        do {
            let all = try await allEvents(about: try await tokensJoinedByBirthLinks(to: token), matching: filter)
            return SubjectReport(entries: all, generatedAt: clock.now())
        } catch {
            throw storeFailure(error)
        }
    }

    /// The store's filter for `query`. A kind the broker never records, or an agency neither in
    /// the directory nor the broker itself, is a 400 naming what there is, not an empty answer.
    func eventFilter(_ query: AuditQuery) throws -> EventFilter {
        if let kind = query.conditions.kind, !EventRecord.Kind.all.contains(kind) {
            throw BrokerError(.badRequest, "'kind' must be one of \(EventRecord.Kind.all.map(\.rawValue).joined(separator: ", ")), not '\(kind.rawValue.prefix(40))'.")
        }
        if let agency = query.conditions.agency, agency != .broker, directory.agencies[agency] == nil {
            throw BrokerError(.badRequest, "'agency' must be the id of an agency in /v1/directory (or 'sharebroker', the broker itself), not '\(agency)'.")
        }
        var token = query.subjectToken
        if query.nhsNumber != nil || query.localSystem != nil {
            if let nhsNumber = query.nhsNumber {
                guard let nhsToken = subjectTokens.token(nhsNumber: nhsNumber) else {
                    throw BrokerError(.badRequest, "'nhsNumber' must be ten digits.")
                }
                token = nhsToken
            } else if let system = query.localSystem, let value = query.localValue {
                token = subjectTokens.token(system: system, value: value)
            } else {
                throw BrokerError(.badRequest, "A local identifier needs both 'system' and 'value'.")
            }
        }
        var filter = query.conditions
        filter.subjectToken = token
        return filter
    }

    func recordAuditQuery(by agency: Agency, _ query: String) async throws {
        try refuseUnlessAuditor(agency)
        try auditLog.refuseIfInconsistent()
        do {
            try await store.record([EventRecord(kind: .auditQueried, at: clock.now(), agency: agency.id, query: query)])
        } catch {
            throw storeFailure(error)
        }
    }

    func refuseUnlessAuditor(_ agency: Agency) throws {
        guard agency.kind == .auditor else {
            throw BrokerError(.auditorsOnly, "The audit API is for agencies of kind 'auditor'; '\(agency.id)' is \(agency.kind.rawValue).")
        }
    }
}
