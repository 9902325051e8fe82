import Foundation
import ShareBroker
import ShareModel

/// The subject report as a printable HTML page for a data protection officer.
enum SubjectReportPage {
    static func html(_ report: SubjectReport) -> String {
        let rows = report.disclosures.map { item in
            let recipients = item.recipients.map { recipient in
                "\(escape(recipient.agency)): received \(time(recipient.firstDeliveredAt)), acknowledged \(time(recipient.acknowledgedAt))"
            }.joined(separator: "<br>")
            let consent = item.decision.consent.status.rawValue + (item.decision.consent.reason.map { " (\(escape($0)))" } ?? "")
            return """
                <tr><td>\(time(item.sharedAt))</td><td>\(escape(item.sharedBy))</td><td>\(escape(item.type))</td>
                <td>\(recipients)</td><td>\(escape(item.decision.purpose))</td><td>\(escape(item.decision.lawfulBasis))\
                \(item.decision.specialCategoryCondition.map { "; " + escape($0) } ?? "")</td><td>\(consent)</td>
                <td>\(escape(item.decision.decidedBy.name)), \(escape(item.decision.decidedBy.role)), \(time(item.decision.decidedAt))</td>
                <td>\(escape(item.decision.rationale))</td><td>\(item.auditIndex)</td></tr>
                """
        }.joined(separator: "\n")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Disclosure report</title>
            <style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:90%}
            td,th{border:1px solid #999;padding:4px;vertical-align:top}th{background:#eee}</style></head>
            <body><h1>Disclosures about one subject</h1>
            <p>Generated \(time(report.generatedAt)) from the broker's audit log. \(report.disclosures.count) disclosure(s).
            The audit index lets anyone check each entry against a signed tree head.</p>
            <table><tr><th>Shared at</th><th>By</th><th>Type</th><th>With (received, acknowledged)</th><th>Purpose</th>
            <th>Lawful basis</th><th>Consent</th><th>Decided by</th><th>Rationale</th><th>Audit index</th></tr>
            \(rows)
            </table></body></html>

            """
    }

    private static func time(_ date: Date?) -> String {
        date.map(Timestamp.format) ?? "not yet"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
