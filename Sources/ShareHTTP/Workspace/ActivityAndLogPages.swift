import Foundation
import ShareAudit
import ShareBroker
import ShareModel

/// Agency activity per month, and the health of the log.
enum ActivityAndLogPages {
    static func activity(_ activity: AgencyActivity, from: String, to: String, words: Words) -> String {
        func list(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.key < $1.key }.map { "\($0.value) × \(HTML.escape(words.type($0.key)))" }
                .joined(separator: "<br>")
        }
        let rows = activity.rows.map { row in
            "<tr><td>\(UKTime.month(row.month))</td><th scope=\"row\">\(HTML.escape(words.agency(row.agency)))</th>"
                + "<td>\(list(row.sent))</td><td>\(list(row.received))</td><td>\(row.refusals)</td>"
                + "<td>\(row.unacknowledged)</td><td>\(row.overdue)</td></tr>"
        }
        return """
            <form method="get" action="/workspace/activity" class="filters" aria-label="Period">
            <div class="field"><label for="from">From (date)</label><input id="from" name="from" type="date" value="\(HTML.escape(from))"></div>
            <div class="field"><label for="to">To (date, inclusive)</label><input id="to" name="to" type="date" value="\(HTML.escape(to))"></div>
            <button type="submit">Show</button>
            </form>
            <table class="activity"><caption>What each agency sent and received, per month (UK time)</caption>
            <thead><tr><th scope="col">Month</th><th scope="col">Agency</th><th scope="col">Sent</th><th scope="col">Received</th>
            <th scope="col">Refused</th><th scope="col">Not acknowledged</th><th scope="col">Overdue</th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=\"7\">Nothing was recorded in this period.</td></tr>" : rows.joined(separator: "\n"))</tbody>
            </table>
            """
    }

    static func log(head: TreeHead, signed: String, integrity: LogIntegrity) -> String {
        let check: String
        switch integrity {
        case .consistent(let size, let heads):
            check = "The broker re-hashed all \(size) entries and found them consistent with the \(heads) tree heads it signed."
        case .provisional(let size):
            check = "The stored tree matches the latest signed tree head (\(size) entries); the full re-check is under way."
        case .inconsistent(let disagreement):
            check = "ALARM: the stored log disagrees with a tree head the broker signed, from entry \(disagreement.firstSuspectIndex)."
        case .unchecked:
            check = "The broker has not checked its stored log yet."
        }
        let time = Timestamp.parse(head.timestamp).map(UKTime.text) ?? head.timestamp
        return """
            <h2>The current signed tree head</h2>
            <dl class="tree-head">
            <dt>Entries in the log</dt><dd id="tree-size">\(head.treeSize)</dd>
            <dt>Root hash (SHA-256, base64)</dt><dd><code id="root-hash">\(HTML.escape(head.rootHash))</code></dd>
            <dt>Signed at</dt><dd>\(time)</dd>
            <dt>The broker's own check</dt><dd>\(HTML.escape(check))</dd>
            <dt>Signed tree head (ES256 JWS)</dt><dd><code class="jws">\(HTML.escape(signed))</code></dd>
            </dl>
            <h2>Checked in this browser</h2>
            <p id="consistency" aria-live="polite">Checking…</p>
            <p>This browser keeps the last tree head it verified. On each visit it asks for a consistency proof from that
            head to the current one and checks it, so a log rewritten since then shows here as failed.</p>
            """
    }
}
