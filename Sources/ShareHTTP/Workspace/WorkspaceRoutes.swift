import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShareBroker
import ShareCatalogue
import ShareModel

/// `GET /workspace/...`: the auditor's workspace, server-rendered pages over the same mutual
/// TLS as the API. Only agencies the audit API serves see them, and every view is recorded in
/// the log first (the broker's `recordAuditQuery`). No page ever shows a message's payload.
struct WorkspaceRoutes {
    let broker: Broker

    func register(on group: RouterGroup<BrokerRequestContext>) {
        group.get("", use: search)
        group.get("subject", use: subject)
        group.get("messages/:id", use: message)
        group.get("activity", use: activity)
        group.get("log", use: log)
        group.get("workspace.js") { _, _ in Self.asset(WorkspaceAssets.script, type: "text/javascript; charset=utf-8") }
        group.get("workspace.css") { _, _ in Self.asset(WorkspaceAssets.stylesheet, type: "text/css; charset=utf-8") }
    }

    private var words: Words { Words(directory: broker.directory, catalogue: broker.catalogue) }

    @Sendable func search(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let viewer = try context.caller()
        try await broker.recordWorkspaceView("search", for: viewer)
        return page(WorkspacePage(title: "Find a subject", viewer: viewer, viewedAt: broker.now(), found: nil,
                                  body: SubjectPages.search()))
    }

    @Sendable func subject(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let viewer = try context.caller()
        let (identifiers, fields) = try Self.identifiers(request)
        let timeline = try await broker.subjectTimeline(identifiers, for: viewer)
        let parameters = request.uri.queryParameters
        func text(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var filter = TimelineFilter(type: text("type"), fromText: text("from"), toText: text("to"))
        guard (filter.fromText == nil || filter.from != nil), (filter.toText == nil || filter.to != nil) else {
            throw BrokerError(.badRequest, "'from' and 'to' must be dates such as 2026-12-05.")
        }
        if let agency = text("agency") {
            guard let id = AgencyID(agency) else { throw BrokerError(.badRequest, "'agency' must be an agency id.") }
            filter.agency = id
        }
        let shown = timeline.filtered(agency: filter.agency, type: filter.type, from: filter.from, to: filter.to)
        let vocabulary = words
        let body = SubjectPages.filters(identifiers: fields, filter: filter, words: vocabulary, agencies: broker.directory.sortedAgencies,
                                        types: broker.catalogue.messageTypes)
            + SubjectPages.timeline(shown, total: timeline.items.count, subscriptions: timeline.subscriptions, words: vocabulary,
                                    now: broker.now())
        let found = "the subject found by " + identifiers.map(\.words).joined(separator: ", and by ")
        return page(WorkspacePage(title: "Subject timeline", viewer: viewer, viewedAt: broker.now(), found: found, body: body))
    }

    @Sendable func message(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let viewer = try context.caller()
        guard let id = UUID(uuidString: context.parameters.get("id") ?? "") else {
            throw BrokerError(.badRequest, "A message is named by its id, a UUID.")
        }
        let body = MessagePage.html(try await broker.messageTimeline(id, for: viewer), words: words, now: broker.now())
        return page(WorkspacePage(title: "Message detail", viewer: viewer, viewedAt: broker.now(),
                                  found: "the message \(id.lowercasedString), found by its id", body: body))
    }

    @Sendable func activity(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let viewer = try context.caller()
        let now = broker.now()
        let parameters = request.uri.queryParameters
        let defaultFrom = String(Timestamp.format(now.addingTimeInterval(-365 * 86_400)).prefix(10))
        let fromText = parameters.get("from").flatMap { $0.isEmpty ? nil : $0 } ?? defaultFrom
        let toText = parameters.get("to").flatMap { $0.isEmpty ? nil : $0 } ?? String(Timestamp.format(now).prefix(10))
        guard let from = UKTime.startOfDay(fromText), let to = UKTime.endOfDay(toText) else {
            throw BrokerError(.badRequest, "'from' and 'to' must be dates such as 2026-12-05.")
        }
        let activity = try await broker.agencyActivity(from: from, to: to, timeZone: UKTime.zone, for: viewer)
        return page(WorkspacePage(title: "Agency activity", viewer: viewer, viewedAt: now, found: nil,
                                  body: ActivityAndLogPages.activity(activity, from: fromText, to: toText, words: words)))
    }

    @Sendable func log(_ request: Request, context: BrokerRequestContext) async throws -> Response {
        let viewer = try context.caller()
        let health = try await broker.logHealth(for: viewer)
        return page(WorkspacePage(title: "Log health", viewer: viewer, viewedAt: broker.now(), found: nil,
                                  body: ActivityAndLogPages.log(head: health.head, signed: health.signed, integrity: health.integrity)))
    }

    /// The subject's identifiers from the query (`nhsNumber` repeated, `system` with `value`,
    /// `mother` with `edd`), with the fields as given, so the filter form can keep them.
    static func identifiers(_ request: Request) throws -> ([SubjectIdentifier], [(String, String)]) {
        let parameters = request.uri.queryParameters
        func all(_ name: String) -> [String] { parameters.getAll(name).filter { !$0.isEmpty } }
        var identifiers = all("nhsNumber").map(SubjectIdentifier.nhsNumber)
        var fields = all("nhsNumber").map { ("nhsNumber", $0) }
        let systems = all("system"), values = all("value")
        guard systems.count == values.count else { throw BrokerError(.badRequest, "Each local identifier needs both 'system' and 'value'.") }
        for (system, value) in zip(systems, values) {
            identifiers.append(.local(system: system, value: value))
            fields += [("system", system), ("value", value)]
        }
        let mothers = all("mother"), dates = all("edd")
        guard mothers.count == dates.count else {
            throw BrokerError(.badRequest, "An unborn baby needs both the mother's NHS number ('mother') and the expected delivery date ('edd').")
        }
        for (mother, date) in zip(mothers, dates) {
            identifiers.append(.unborn(motherNHSNumber: mother, expectedDeliveryDate: date))
            fields += [("mother", mother), ("edd", date)]
        }
        return (identifiers, fields)
    }

    /// An HTML page that runs only the workspace's own script and style, in no frame.
    private func page(_ page: WorkspacePage) -> Response {
        Response(status: .ok, headers: [
            .contentType: "text/html; charset=utf-8",
            .contentSecurityPolicy: "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            .cacheControl: "no-store",
        ], body: .init(byteBuffer: ByteBuffer(string: page.html())))
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
