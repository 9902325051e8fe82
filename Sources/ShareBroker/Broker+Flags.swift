import Foundation
import Logging
import ShareCalendar
import ShareCatalogue
public import ShareModel
import ShareJWS
import ShareStore

/// Child-protection flags (the pattern of the NHS Child Protection - Information Sharing
/// service). Flags are not stored apart: they are read from the stored `child-protection-flag/1`
/// messages about the subject, found through the subject-token index of the audit log, so the
/// signed messages stay the one record of each flag. A query is recorded (`flag-queried`) and
/// each owner whose flag it names is sent a `flag-accessed/1` notice, in one transaction.
extension Broker {
    /// Answers whether the subject of `body` (a `FlagQuery`) has active flags. Only agencies of
    /// the kinds the policy's `queriedBy` names for `child-protection-flag/1` may ask; a refusal
    /// is recorded.
    public func queryFlags(_ body: JSONValue, by agency: Agency) async throws -> FlagAnswer {
        try refuseIfStopping()
        try auditLog.refuseIfInconsistent()
        let now = clock.now()
        let queriers = policy.rule(for: .childProtectionFlag)?.queriedBy ?? []
        guard queriers.contains(agency.kind) else {
            let refusal = PolicyRefusal(rule: "queriedBy", "Agencies of kind \(agency.kind.rawValue) may not ask about child-protection flags; the policy allows \(queriers.isEmpty ? "no kind" : queriers.map(\.rawValue).sorted().joined(separator: ", ")). Ask the partnership if your agency needs to.")
            try await recordRefusal(refusal, by: agency, at: now)
            throw refusal.error
        }
        let query = try FlagQuery(parsing: body) { catalogue.isValid($1, commonDefinition: $0) }
        do {
            let searched = try await tokens(of: query.subject)
            let active = try await flags(about: searched).filter { $0.isActive(on: localDate(of: now, in: $0.area)) }
            try await recordQuery(query, by: agency.id, about: searched, found: active, at: now)
            return FlagAnswer(active, setting: query.setting, at: now) { directory.agencies[$0]?.name }
        } catch let error as BrokerError {
            throw error
        } catch {
            throw storeFailure(error)
        }
    }

    /// The `flag-queried` entries about the caller's flags and by the caller, from `fromIndex`
    /// (default 0), at most `limit` (1 to 1000, default 100) in all; the next page starts after
    /// the highest `auditIndex`.
    public func flagAccesses(for agency: Agency, fromIndex: Int?, limit: Int?) async throws -> FlagAccesses {
        let fromIndex = fromIndex ?? 0
        let limit = limit ?? 100
        guard fromIndex >= 0, (1...1000).contains(limit) else {
            throw BrokerError(.badRequest, "'fromIndex' must be 0 or more and 'limit' from 1 to 1000.")
        }
        do {
            let entries = try await store.events(
                matching: EventFilter(agency: agency.id, kind: .flagQueried, fromIndex: fromIndex), limit: limit)
            return FlagAccesses(entries, for: agency.id)
        } catch {
            throw storeFailure(error)
        }
    }

    /// An end of a flag (`child-protection-flag/1` with action `end`) must name a flag its
    /// sender set, and give the subject with every identifier the flag gave, so that whatever
    /// finds the flag finds its end. Another agency's flag is answered as an unknown one.
    func refuseUnknownFlagEnd(_ envelope: Envelope) async throws {
        guard envelope.type == .childProtectionFlag, envelope.payload["action"]?.stringValue == "end",
              let id = envelope.payload["flag"]?.stringValue.flatMap(UUID.init(text:)) else { return }
        let flag: Envelope?
        do {
            flag = try await storedEnvelopes([id]).first
        } catch {
            throw storeFailure(error)
        }
        guard let flag, flag.type == .childProtectionFlag, flag.sender == envelope.sender, flag.payload["action"]?.stringValue == "set" else {
            throw BrokerError(.invalidEnvelope, "'payload.flag' must be the id of a \(MessageType.childProtectionFlag) message with action 'set' that '\(envelope.sender)' published; \(id.lowercasedString) is not one. Only the agency that set a flag can end it.",
                              problems: [ValidationProblem(pointer: "/payload/flag", message: "Not a flag your agency set.")])
        }
        guard Set(subjectTokens.tokens(of: flag)).isSubset(of: subjectTokens.tokens(of: envelope)) else {
            throw BrokerError(.invalidEnvelope, "The subject must be given with every identifier the flag's subject has (NHS number, local identifiers, or the mother's and the expected delivery date), so that whoever finds the flag finds its end.",
                              problems: [ValidationProblem(pointer: "/subject", message: "Not the subject of the flag it ends.")])
        }
    }

    /// The tokens a query's subject is found by: the child's with those of the unborn subject a
    /// birth link joins to it; or the unborn baby's.
    private func tokens(of subject: FlagQuery.Subject) async throws -> [String] {
        switch subject {
        case .child(let nhsNumber):
            guard let token = subjectTokens.token(nhsNumber: nhsNumber) else { return [] }
            return try await tokensJoinedByBirthLinks(to: token)
        case .unborn(let mother, let expectedDeliveryDate):
            return subjectTokens.token(unbornOfMother: mother, expectedDeliveryDate: expectedDeliveryDate).map { [$0] } ?? []
        }
    }

    /// Every flag whose subject is identified by any of `tokens` (a flag on an unborn baby is
    /// found through the mother's NHS number too, but is not the mother's flag).
    private func flags(about tokens: [String]) async throws -> [ChildProtectionFlag] {
        let published = try await events(about: tokens, matching: EventFilter(kind: .published), limit: 1000)
            .filter { $0.event.messageType == MessageType.childProtectionFlag.description }
        return FlagLedger(try await storedEnvelopes(published.compactMap(\.event.messageID))).flags.filter {
            !Set(subjectTokens.identityTokens(of: $0.subject)).isDisjoint(with: tokens)
        }
    }

    /// The envelopes of stored messages (the broker checked each when it was published).
    func storedEnvelopes(_ ids: [UUID]) async throws -> [Envelope] {
        try await store.storedMessages(ids).compactMap { message in
            guard let document = try? SignedBody(message.jws).opened().document,
                  case .success(let envelope) = EnvelopeReader().read(document) else { return nil }
            return envelope
        }
    }

    /// The date in `area` (its calendar's time zone; UTC for an area without one), YYYY-MM-DD.
    private func localDate(of instant: Date, in area: String) -> String {
        configuration.calendars[area].map { $0.localDate(of: instant).description } ?? String(Timestamp.format(instant).prefix(10))
    }

    /// Records the query and sends each owner of a flag found a notice, in one transaction: a
    /// `flag-queried` entry per owner, after its notice's entries; one with no owner if none was found.
    private func recordQuery(_ query: FlagQuery, by agency: AgencyID, about tokens: [String], found: [ChildProtectionFlag],
                             at now: Date) async throws {
        let owners = found.map(\.owner).reduce(into: [AgencyID]()) { if !$0.contains($1) { $0.append($1) } }
        guard !owners.isEmpty else {
            try await store.record([EventRecord(kind: .flagQueried, at: now, agency: agency, messageID: .random(),
                                                subjects: tokens, setting: query.setting)])
            return
        }
        let writer = NoticeWriter(key: noticeKey, catalogue: catalogue)
        var notices: [NewMessage] = []
        for owner in owners {
            let flags = found.filter { $0.owner == owner }
            let notice = try writer.flagAccessed(flags, by: agency, from: query.setting, at: now)
            let message = newMessage(notice.envelope, jws: notice.jws,
                                     decision: RoutingDecision(recipients: notice.recipients, expiresAt: nil, respondBy: nil), receivedAt: now)
            let queried = EventRecord(kind: .flagQueried, at: now, agency: agency, messageID: message.id, recipient: owner,
                                      subjects: tokens, setting: query.setting, flags: flags.map(\.id))
            notices.append(message.adding(queried))
        }
        _ = try await store.publish(notices)
        notifier.signal(owners)
        for _ in owners { metrics.countNotice(type: MessageType.flagAccessed.description) }
        logger.notice("Flags queried", metadata: [ShareLogKey.agency: "\(agency)", ShareLogKey.count: "\(found.count)"])
    }
}

extension NewMessage {
    /// The same message with `event` recorded after its own events.
    fileprivate func adding(_ event: EventRecord) -> NewMessage {
        NewMessage(id: id, sender: sender, type: type, area: area, digest: digest, jws: jws, receivedAt: receivedAt,
                   expiresAt: expiresAt, deliveries: deliveries, events: events + [event], respondBy: respondBy, inReplyTo: inReplyTo)
    }
}
