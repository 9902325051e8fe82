public import Foundation
public import ShareAudit
public import ShareModel
import ShareStore

/// What the auditor's workspace pages read. Each call is for auditors only and is recorded in
/// the log first, as every audit query is (with subjects as their keyed tokens).
extension Broker {
    /// The timeline of the subject named by any of `identifiers` (and of the unborn subject a
    /// birth link joins to each), each delivery with why it went to its recipient.
    public func subjectTimeline(_ identifiers: [SubjectIdentifier], for agency: Agency) async throws -> SubjectTimeline {
        guard (1...10).contains(identifiers.count) else {
            throw BrokerError(.badRequest, "Name the subject by one to ten identifiers: 'nhsNumber', 'system' and 'value', or 'mother' and 'edd'.")
        }
        let tokens = try identifiers.map { try subjectTokens.token(of: $0) }
        try await recordAuditQuery(by: agency, "workspace subject subjects=\(tokens.joined(separator: ","))")
        do {
            var joined: Set<String> = []
            for token in tokens { joined.formUnion(try await tokensJoinedByBirthLinks(to: token)) }
            return try await routedTimeline(try await allEvents(about: joined.sorted()))
        } catch {
            throw storeFailure(error)
        }
    }

    /// The timeline of one message: every entry about it, each delivery with why it went to its
    /// recipient (a refused message was never stored and has none).
    public func messageTimeline(_ id: UUID, for agency: Agency) async throws -> SubjectTimeline {
        try await recordAuditQuery(by: agency, "workspace message messageId=\(id.lowercasedString)")
        do {
            return try await routedTimeline(try await allEvents(matching: EventFilter(messageID: id)))
        } catch {
            throw storeFailure(error)
        }
    }

    /// The timeline of `entries`, with the subscriptions its routed entries name that still
    /// exist, and for entries that record no route, the `to` of their stored messages.
    private func routedTimeline(_ entries: [StoredEvent]) async throws -> SubjectTimeline {
        var timeline = SubjectTimeline(entries: entries)
        let ids = timeline.items.filter { $0.deliveries.contains { $0.reason == nil } }.compactMap(\.messageID)
        timeline.markRouting(addressed: Dictionary(try await storedEnvelopes(ids).map { ($0.id, $0.to) }, uniquingKeysWith: { first, _ in first }))
        let named = timeline.routingSubscriptionIDs
        if !named.isEmpty {
            timeline.subscriptions = Dictionary(try await allSubscriptions().filter { named.contains($0.id) }.map { ($0.id, $0) },
                                                uniquingKeysWith: { first, _ in first })
        }
        return timeline
    }

    /// The entries of a FHIR export: about the subject named by any of `identifiers` (with what a
    /// birth link joins to it) when there are any, otherwise every entry; either way from `from`
    /// (inclusive) to `to` (exclusive). At most `fhirExportLimit`; more is a 400 asking for a
    /// narrower range.
    public func auditTrail(_ identifiers: [SubjectIdentifier], from: Date?, to: Date?, for agency: Agency) async throws -> [StoredEvent] {
        guard identifiers.count <= 10 else { throw BrokerError(.badRequest, "Name the subject by at most ten identifiers.") }
        guard !identifiers.isEmpty || (from != nil && to != nil) else {
            throw BrokerError(.badRequest, "Name a subject ('nhsNumber', 'system' and 'value', or 'mother' and 'edd'), or give both 'from' and 'to'.")
        }
        let tokens = try identifiers.map { try subjectTokens.token(of: $0) }
        let range = EventFilter(from: from, to: to)
        try await recordAuditQuery(by: agency, "fhir-export subjects=\(tokens.joined(separator: ",")) \(range.recordedForm)")
        do {
            var joined: Set<String> = []
            for token in tokens { joined.formUnion(try await tokensJoinedByBirthLinks(to: token)) }
            let entries = try await allEvents(about: tokens.isEmpty ? nil : joined.sorted(), matching: range)
            guard entries.count <= Self.fhirExportLimit else {
                throw BrokerError(.badRequest, "The export would hold \(entries.count) entries, more than \(Self.fhirExportLimit); give a narrower 'from' and 'to'.")
            }
            return entries
        } catch let error as BrokerError {
            throw error
        } catch {
            throw storeFailure(error)
        }
    }

    /// The most entries one FHIR export holds.
    public static let fhirExportLimit = 10_000

    /// Each agency's activity per month (in `timeZone`) from `from` to `to`.
    public func agencyActivity(from: Date, to: Date, timeZone: TimeZone, for agency: Agency) async throws -> AgencyActivity {
        guard from < to else { throw BrokerError(.badRequest, "'from' must be before 'to'.") }
        try await recordAuditQuery(by: agency, "workspace activity from=\(Timestamp.format(from)) to=\(Timestamp.format(to))")
        do {
            let entries = try await allEvents(matching: EventFilter(from: from, to: to))
            return AgencyActivity(entries: entries, now: clock.now(), timeZone: timeZone)
        } catch {
            throw storeFailure(error)
        }
    }

    /// The current signed tree head, and what the broker's own check of the stored log found.
    public func logHealth(for agency: Agency) async throws -> (head: TreeHead, signed: String, integrity: LogIntegrity) {
        try await recordAuditQuery(by: agency, "workspace log-health")
        do {
            let (head, signed) = try await auditLog.signAndKeep(at: clock.now())
            return (head, signed, auditLog.integrity)
        } catch let error as BrokerError {
            throw error
        } catch {
            throw storeFailure(error)
        }
    }

    /// Every event matching `filter` (for any of `tokens` in place of its subject, when given),
    /// read a thousand at a time.
    func allEvents(about tokens: [String]? = nil, matching filter: EventFilter = EventFilter()) async throws -> [StoredEvent] {
        var all: [StoredEvent] = []
        var next = filter
        while true {
            let page = if let tokens { try await events(about: tokens, matching: next, limit: 1000) }
                else { try await store.events(matching: next, limit: 1000) }
            all += page
            guard page.count == 1000, let last = page.last else { return all }
            next.fromIndex = last.index + 1
        }
    }
}

extension Broker {
    /// Records a view of a workspace page that reads nothing from the log (the search form).
    public func recordWorkspaceView(_ page: String, for agency: Agency) async throws {
        try await recordAuditQuery(by: agency, "workspace \(page)")
    }
}

extension Broker {
    /// The broker's clock now, for the time a page is generated.
    public func now() -> Date {
        clock.now()
    }
}
