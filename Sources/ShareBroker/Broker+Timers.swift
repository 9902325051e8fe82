import Foundation
import Logging
import ShareModel
import ShareStore

extension Broker {
    /// The most items of each kind one round of the timers handles.
    static let timerBatch = 100

    /// Does the timers' work that is due now, found from stored state (so nothing is lost to a
    /// restart): dead-letters the unacknowledged deliveries of expired messages and tells their
    /// senders (`delivery-failed/1`), tells requesters and the policy's escalation recipient
    /// who has not answered in time (`response-overdue/1`), and dead-letters deliveries handed
    /// out the maximum number of times, telling their senders too (`delivery-failed/1`), and
    /// tells senders which recipients have not acknowledged by their `dueBy`
    /// (`delivery-overdue/1`); the policy's `failureNoticesTo` agency gets a copy of each
    /// delivery-failed and delivery-overdue notice. Each item is settled in its own transaction; one that
    /// fails is logged and tried again next round, without holding up the others.
    /// Returns whether more work may be due now: a batch was full and every item was settled.
    @discardableResult
    public func processDueWork() async throws -> Bool {
        let now = clock.now()
        let work = try await store.dueWork(now: now, maxAttempts: configuration.maxAttempts, limit: Self.timerBatch)
        let writer = NoticeWriter(key: noticeKey, catalogue: catalogue)
        var settled = true
        for expired in work.expired {
            let ok = await settling(expired.message.id) {
                let notice = expired.unacknowledged.isEmpty ? nil
                    : try failureNotice(writer, expired.message, .expired(expired.expiresAt), expired.unacknowledged, at: now)
                let events = expired.unacknowledged.map {
                    EventRecord(kind: .expired, at: now, agency: $0.recipient, messageID: expired.message.id,
                                deliveryID: $0.deliveryID, attempt: $0.attempts)
                }
                try await store.settleExpiry(of: expired.message.id, at: now, events: events, notice: notice.map { record($0, at: now) })
                metrics.countExpired(events.count)
                return notice
            }
            settled = settled && ok
        }
        for request in work.overdue {
            let ok = await settling(request.message.id) {
                let notAnswered = request.recipients.filter { !request.answered.contains($0) }
                let notice = notAnswered.isEmpty ? nil
                    : try writer.responseOverdue(request, notAnswered: notAnswered,
                                                 to: overdueRecipients(request, notAnswered: notAnswered), at: now)
                try await store.settleDeadline(of: request.message.id, at: now, notice: notice.map { record($0, at: now) })
                if !notAnswered.isEmpty { metrics.countOverdueResponse() }
                return notice
            }
            settled = settled && ok
        }
        for deliveries in Dictionary(grouping: work.exhausted, by: \.message.id).values {
            let message = deliveries[0].message
            let ok = await settling(message.id) {
                let unacknowledged = deliveries.map {
                    ExpiredMessage.Unacknowledged(deliveryID: $0.id, recipient: $0.recipient, attempts: $0.attempts, delivered: true)
                }
                let notice = try failureNotice(writer, message, .attemptsExhausted, unacknowledged, at: now)
                let events = deliveries.map {
                    EventRecord(kind: .deadLettered, at: now, agency: $0.recipient, messageID: message.id, deliveryID: $0.id, attempt: $0.attempts)
                }
                guard try await store.deadLetter(deliveries: deliveries.map(\.id), at: now, events: events,
                                                 notice: notice.map { record($0, at: now) }) else { return nil }
                metrics.countDeadLettered(deliveries.count)
                logger.notice("Deliveries dead-lettered", metadata: [ShareLogKey.count: "\(deliveries.count)"])
                return notice
            }
            settled = settled && ok
        }
        for deliveries in Dictionary(grouping: work.pastDue, by: \.message.id).values {
            let message = deliveries[0].message
            let ok = await settling(message.id) {
                let notice = try writer.deliveryOverdue(message, deliveries, to: noticeRecipients(message), at: now)
                guard try await store.settlePastDue(deliveries: deliveries.map(\.id), at: now, notice: record(notice, at: now)) else { return nil }
                return notice
            }
            settled = settled && ok
        }
        let full = [work.expired.count, work.overdue.count, work.exhausted.count, work.pastDue.count].contains { $0 >= Self.timerBatch }
        return full && settled
    }

    /// Settles one item and announces its notice; or logs why it failed (it is found again
    /// next round) and returns false.
    private func settling(_ messageID: UUID, _ body: () async throws -> Notice?) async -> Bool {
        do {
            guard let notice = try await body() else { return true }
            notifier.signal(notice.recipients)
            metrics.countNotice(type: notice.envelope.type.description)
            logger.notice("Notice sent", metadata: [
                ShareLogKey.messageType: "\(notice.envelope.type)", ShareLogKey.count: "\(notice.recipients.count)",
            ])
            return true
        } catch {
            logger.error("A timer could not settle a message; it is retried next round", metadata: [
                ShareLogKey.messageID: "\(messageID.lowercasedString)", "share.reason": "\(error)",
            ])
            return false
        }
    }

    /// The delivery-failed notice for the sender and the policy's `failureNoticesTo` agency;
    /// nil for the broker's own notices (a notice about a notice would never end).
    private func failureNotice(_ writer: NoticeWriter, _ message: DueMessage, _ failure: DeliveryFailure,
                               _ unacknowledged: [ExpiredMessage.Unacknowledged], at now: Date) throws -> Notice? {
        guard message.sender != .broker else { return nil }
        return try writer.deliveryFailed(message, failure, notAcknowledged: unacknowledged, to: noticeRecipients(message), at: now)
    }

    /// Who is told when deliveries of `message` fail or are overdue: its sender and the
    /// policy's `failureNoticesTo` agency for its type.
    private func noticeRecipients(_ message: DueMessage) -> [AgencyID] {
        recipients(message.sender, alsoTelling: MessageType(message.type).flatMap { policy.rule(for: $0)?.failureNoticesTo })
    }

    /// The sender, and `other` if it is another active agency.
    private func recipients(_ sender: AgencyID, alsoTelling other: AgencyID?) -> [AgencyID] {
        guard let other, other != sender, directory.agencies[other]?.status == .active else { return [sender] }
        return [sender, other]
    }

    /// The requester, the policy's escalation recipient, and each active agency that has not
    /// answered (chased), each once.
    private func overdueRecipients(_ request: OverdueRequest, notAnswered: [AgencyID]) -> [AgencyID] {
        let escalated = recipients(request.message.sender,
                                   alsoTelling: MessageType(request.message.type).flatMap { policy.rule(for: $0)?.request?.escalateTo })
        let chased = notAnswered.filter { !escalated.contains($0) && directory.agencies[$0]?.status == .active }
        return escalated + chased
    }

    private func record(_ notice: Notice, at now: Date) -> NewMessage {
        newMessage(notice.envelope, jws: notice.jws,
                   decision: RoutingDecision(recipients: notice.recipients, expiresAt: nil, respondBy: nil), receivedAt: now)
    }
}
