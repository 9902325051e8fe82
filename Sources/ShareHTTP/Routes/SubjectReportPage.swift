import Foundation
import ShareBroker
import ShareModel

/// The subject report as a printable HTML page for a data protection officer: the disclosures,
/// then the decisions not to share, each row anchored by its message id so that a decision and
/// the shares that reconsidered it link to each other.
enum SubjectReportPage {
    static func html(_ report: SubjectReport) -> String {
        let disclosures = report.disclosures.map { item in
            let recipients = item.recipients.map { recipient in
                "\(escape(recipient.agency)): received \(time(recipient.firstDeliveredAt)), acknowledged \(time(recipient.acknowledgedAt))"
                    + (recipient.dueBy.map { ", due by \(time($0))" } ?? "")
                    + (recipient.members.map { "; \(escape($0.words))" } ?? "")
            }.joined(separator: "<br>")
            return """
                <tr id="\(anchor(item.messageId))"><td>\(time(item.sharedAt))</td><td>\(escape(item.sharedBy))</td><td>\(escape(item.type))\(answerNote(item))</td>
                <td>\(recipients)</td>\(decisionCells(item.decision))<td>\(link(item.reconsiders))</td><td>\(item.auditIndex)</td></tr>
                """
        }.joined(separator: "\n")
        let decisions = report.decisionsNotToShare.map { item in
            let later = item.reconsideredBy.map { "\(link($0.messageId)) (\(escape($0.type)), \(escape($0.by)), \(time($0.at)))" }
            return """
                <tr id="\(anchor(item.messageId))"><td>\(time(item.recordedAt))</td><td>\(escape(item.recordedBy))</td>\
                \(decisionCells(item.decision))<td>\(link(item.reconsiders))</td>
                <td>\(later.isEmpty ? "not yet" : later.joined(separator: "<br>"))</td><td>\(item.auditIndex)</td></tr>
                """
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Disclosure report</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:90%}
            td,th{border:1px solid #999;padding:4px;vertical-align:top}th{background:#eee}</style></head>
            <body><h1>Disclosures about one subject</h1>
            <p>Generated \(time(report.generatedAt)) from the broker's audit log. \(report.disclosures.count) disclosure(s),
            \(report.decisionsNotToShare.count) decision(s) not to share.
            The audit index lets anyone check each entry against a signed tree head.</p>
            <table><tr><th>Shared at</th><th>By</th><th>Type</th><th>With (received, acknowledged)</th><th>Purpose</th>
            <th>Lawful basis</th><th>Consent</th><th>Decided by</th><th>Rationale</th><th>Reconsiders</th><th>Audit index</th></tr>
            \(disclosures)
            </table>
            <h2>Decisions not to share</h2>
            <p>Recorded by the deciding agency and delivered to nobody.</p>
            <table><tr><th>Recorded at</th><th>By</th><th>Purpose considered</th><th>Lawful basis considered</th><th>Consent</th>
            <th>Decided by</th><th>Rationale</th><th>Reconsiders</th><th>Reconsidered by</th><th>Audit index</th></tr>
            \(decisions)
            </table></body></html>

            """
    }

    /// Under a request's type, when answers are due; under an answer's, the request it answers
    /// and, if it came after the request's `respondBy`, LATE.
    private static func answerNote(_ item: SubjectReport.Disclosed) -> String {
        var note = item.respondBy.map { "<br>answers due by \(time($0))" } ?? ""
        if let request = item.inReplyTo { note += "<br>answers \(link(request))" }
        if item.late == true { note += " <strong>LATE</strong>" }
        return note
    }

    /// The cells of the decision a disclosure and a decision not to share both record.
    private static func decisionCells(_ decision: Disclosure) -> String {
        let consent = decision.consent.status.rawValue + (decision.consent.reason.map { " (\(escape($0)))" } ?? "")
        return """
            <td>\(escape(decision.purpose))</td><td>\(escape(decision.lawfulBasis))\
            \(decision.specialCategoryCondition.map { "; " + escape($0) } ?? "")</td><td>\(consent)</td>
            <td>\(escape(decision.decidedBy.name)), \(escape(decision.decidedBy.role)), \(time(decision.decidedAt))</td>
            <td>\(escape(decision.rationale))</td>
            """
    }

    /// A link to the row of the message with this id (ids are lowercase UUIDs, safe in HTML).
    private static func link(_ messageId: String?) -> String {
        messageId.map { "<a href=\"#\(anchor($0))\">\($0)</a>" } ?? ""
    }

    private static func anchor(_ messageId: String) -> String {
        "message-\(messageId)"
    }

    private static func time(_ date: Date?) -> String {
        date.map(Timestamp.format) ?? "not yet"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
