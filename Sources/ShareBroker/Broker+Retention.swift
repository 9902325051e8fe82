import Foundation
import Logging
public import ShareModel
import ShareStore

extension Broker {
    /// Destroys the content of messages whose retention has ended (see `Retention`), each in its
    /// own transaction with a `purged` entry; one that fails is logged and found again next
    /// round. Returns whether more may be due now: a batch was full and every purge succeeded.
    @discardableResult
    public func processRetention() async throws -> Bool {
        let now = clock.now()
        let policy = policy
        let cutoffs = Retention.cutoffs(policy, now: now)
        guard !cutoffs.isEmpty else { return false }
        let due = try await store.retentionDue(cutoffs: cutoffs, limit: Self.timerBatch)
        var purged = 0
        var failed = false
        for candidate in due {
            guard let cutoff = cutoffs[candidate.type],
                  let period = MessageType(candidate.type).flatMap({ policy.rule(for: $0)?.retention }),
                  Retention.hasEnded(settledAt: candidate.settledAt, period: period, now: now) else { continue }
            do {
                if try await store.purge(message: candidate.id, cutoff: cutoff, at: now,
                                         event: Retention.purgedEntry(candidate.id, type: candidate.type, at: now)) {
                    purged += 1
                }
            } catch {
                failed = true
                logger.error("A message's retention could not be ended; it is retried next round", metadata: [
                    ShareLogKey.messageType: "\(candidate.type)", "share.reason": "\(error)",
                ])
            }
        }
        if purged > 0 {
            logger.notice("Message content destroyed at the end of its retention", metadata: [ShareLogKey.count: "\(purged)"])
        }
        return due.count >= Self.timerBatch && !failed
    }

    /// Places a legal hold on the subject `query` names (an NHS number, a local identifier or a
    /// token): no message about it is purged until the hold is lifted. Auditors only; recorded
    /// (`legal-hold-placed`, found by the subject). Returns the subject's token and whether the
    /// hold is new.
    public func placeLegalHold(_ query: AuditQuery, by agency: Agency) async throws -> (token: String, changed: Bool) {
        try await setLegalHold(true, query, by: agency)
    }

    /// Lifts a legal hold (see `placeLegalHold`); recorded (`legal-hold-lifted`). Returns the
    /// subject's token and whether a hold was lifted.
    public func liftLegalHold(_ query: AuditQuery, by agency: Agency) async throws -> (token: String, changed: Bool) {
        try await setLegalHold(false, query, by: agency)
    }

    /// The legal holds in force. Auditors only; recorded as an audit query.
    public func legalHolds(for agency: Agency) async throws -> [LegalHold] {
        try await recordAuditQuery(by: agency, "legal-holds")
        do {
            return try await store.legalHolds()
        } catch {
            throw storeFailure(error)
        }
    }

    private func setLegalHold(_ held: Bool, _ query: AuditQuery, by agency: Agency) async throws -> (token: String, changed: Bool) {
        try refuseUnlessAuditor(agency)
        guard let token = try eventFilter(query).subjectToken else {
            throw BrokerError(.badRequest, "Name the subject: 'nhsNumber', 'system' and 'value' of a local identifier, or 'subject' (its token).")
        }
        let now = clock.now()
        let event = EventRecord(kind: held ? .legalHoldPlaced : .legalHoldLifted, at: now, agency: agency.id,
                                messageID: UUID.timeOrdered(at: now), subjects: [token])
        do {
            let changed = try await store.setLegalHold(held, on: token, at: now, event: event)
            if changed {
                logger.notice(held ? "Legal hold placed" : "Legal hold lifted", metadata: [ShareLogKey.agency: "\(agency.id)"])
            }
            return (token, changed)
        } catch {
            throw storeFailure(error)
        }
    }
}
