import Foundation
import ShareBroker
import ShareModel

/// One item of a subject timeline: what happened, the decision recorded with it, each
/// recipient's outcome, and the audit entries that prove it.
struct TimelineItemView {
    let item: SubjectTimeline.Item
    let words: Words
    let now: Date
    /// The subscriptions that routed its deliveries and still exist.
    let subscriptions: [UUID: Subscription]
    /// Whether to link to the message's own page (not on that page itself).
    var linksToMessagePage = true

    func html() -> String {
        let anchor = item.messageID.map { " id=\"message-\($0.lowercasedString)\"" } ?? ""
        let title = item.category == .flagQuery ? Words.category(item.category)
            : "\(Words.category(item.category)): \(words.type(item.type))"
        let detail = (linksToMessagePage ? item.messageID : nil).map {
            " <a href=\"/workspace/messages/\($0.lowercasedString)\">Message detail</a>"
        } ?? ""
        return """
            <li class="item \(item.category.rawValue)"\(anchor)>
            <h3><time>\(UKTime.text(item.at))</time> · \(HTML.escape(title))</h3>
            <p>\(HTML.escape(actor()))\(detail)</p>
            \(decision())\(request())\(refusal())\(deliveries())
            \(EntryList.html(item.entries, words: words))
            </li>
            """
    }

    private func actor() -> String {
        let name = words.agency(item.agency)
        switch item.category {
        case .disclosure: return "Shared by \(name)."
        case .decisionNotToShare: return "Recorded by \(name); delivered to nobody."
        case .notice: return "Sent by the broker itself."
        case .refusal: return "Attempted by \(name)."
        case .flagQuery:
            return "Asked by \(name) from \(Words.setting(item.setting))."
                + (item.refusedRecipients.first.map { " The flag's owner, \(words.agency($0)), was told." } ?? "")
        }
    }

    private func decision() -> String {
        guard let decision = item.decision else { return "" }
        var rows = [
            ("Purpose", Words.purpose(decision.purpose)),
            ("Lawful basis", Words.lawfulBasis(decision.lawfulBasis)),
        ]
        if let condition = decision.specialCategoryCondition { rows.append(("Special category condition", Words.specialCategory(condition))) }
        rows.append(("Consent", Words.consent(decision.consent.status.rawValue) + (decision.consent.reason.map { ": \($0)" } ?? "")))
        rows.append(("Decided by", "\(decision.decidedBy.name), \(decision.decidedBy.role), \(UKTime.text(decision.decidedAt))"))
        rows.append(("Rationale", decision.rationale))
        let reconsiders = decision.reconsiders.map {
            "<dt>Reconsiders</dt><dd><a href=\"#message-\($0.lowercasedString)\">an earlier decision not to share</a></dd>"
        } ?? ""
        return "<dl class=\"decision\">" + rows.map { "<dt>\($0.0)</dt><dd>\(HTML.escape($0.1))</dd>" }.joined()
            + reconsiders + "</dl>"
    }

    private func request() -> String {
        var notes: [String] = []
        if let respondBy = item.respondBy { notes.append("Answers due by \(UKTime.text(respondBy)).") }
        if let request = item.inReplyTo {
            notes.append("Answers <a href=\"#message-\(request.lowercasedString)\">a request</a>"
                         + (item.late == true ? ", <strong class=\"late\">late</strong>." : "."))
        }
        return notes.isEmpty ? "" : "<p>\(notes.joined(separator: " "))</p>"
    }

    private func refusal() -> String {
        guard item.category == .refusal else { return "" }
        let addressed = item.refusedRecipients.isEmpty ? ""
            : " It was addressed to \(item.refusedRecipients.map(words.agency).joined(separator: ", "))."
        return "<p class=\"refused\"><strong>Refused</strong>: \(HTML.escape(Words.refusal(item.refusalRule))). "
            + "Nothing was stored or delivered.\(HTML.escape(addressed))</p>"
    }

    private func deliveries() -> String {
        guard !item.deliveries.isEmpty else { return "" }
        let rows = item.deliveries.map { delivery in
            let routing = words.routing(delivery.reason, subscriptions: subscriptions)
            return "<tr><td>\(HTML.escape(words.agency(delivery.recipient)))</td><td>\(HTML.escape(routing))</td>"
                + "<td>\(delivery.firstDeliveredAt.map(UKTime.text) ?? "not yet")</td>"
                + "<td>\(delivery.acknowledgedAt.map(UKTime.text) ?? "not yet")</td>"
                + "<td>\(HTML.escape(Self.outcome(delivery, respondBy: item.respondBy, now: now)))</td></tr>"
        }
        return """
            <table class="deliveries"><caption>Recipients</caption>
            <thead><tr><th scope="col">Recipient</th><th scope="col">Routing</th><th scope="col">Delivered</th>
            <th scope="col">Acknowledged</th><th scope="col">Outcome</th></tr></thead>
            <tbody>\(rows.joined(separator: "\n"))</tbody></table>
            """
    }

    /// What became of one delivery, in words: every outcome the log holds, none left out; for
    /// a request due by `respondBy`, whether and when the recipient answered.
    static func outcome(_ delivery: SubjectTimeline.Delivery, respondBy: Date?, now: Date) -> String {
        var parts: [String] = []
        if let at = delivery.deadLetteredAt {
            parts.append("dead-lettered \(UKTime.text(at)): never acknowledged")
        } else if let at = delivery.expiredAt {
            parts.append("expired \(UKTime.text(at)) before it was acknowledged")
        } else if delivery.acknowledgedAt != nil {
            parts.append("acknowledged")
        } else if delivery.firstDeliveredAt != nil {
            parts.append("delivered, not yet acknowledged")
        } else {
            parts.append("waiting to be delivered")
        }
        if delivery.handOuts > 1 { parts.append("handed out \(delivery.handOuts) times") }
        if delivery.retrievals > 0 { parts.append("read again \(delivery.retrievals) time\(delivery.retrievals == 1 ? "" : "s")") }
        if let members = delivery.members { parts.append(members.words) }
        if let dueBy = delivery.dueBy {
            parts.append(delivery.isOverdue(at: now) ? "OVERDUE: due by \(UKTime.text(dueBy))" : "due by \(UKTime.text(dueBy))")
        }
        if let respondBy {
            let late = delivery.isAnswerOverdue(respondBy: respondBy, at: now)
            parts.append(delivery.answeredAt.map { "answered \(UKTime.text($0))\(late ? ", LATE" : "")" }
                ?? (late ? "NOT ANSWERED: the answer was due by \(UKTime.text(respondBy))" : "answer due by \(UKTime.text(respondBy))"))
        }
        return parts.joined(separator: "; ")
    }
}
