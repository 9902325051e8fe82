import Foundation
import ShareModel

/// The frame every workspace page shares: whose record it is and how it was found, who is
/// viewing it and when (UK time), the navigation (after a "Skip to content" link, the first
/// thing Tab reaches), and the note on verification that the page's script fills in. The print
/// stylesheet keeps the header and drops the navigation.
struct WorkspacePage {
    let title: String
    let viewer: Agency
    let viewedAt: Date
    /// Whose record and how it was found, in words; nil for a page about no subject.
    let found: String?
    /// The page's content, already escaped.
    let body: String

    func html() -> String {
        let record = found.map { "<p class=\"record\"><strong>Record of:</strong> \(HTML.escape($0))</p>" } ?? ""
        return """
            <!DOCTYPE html>
            <html lang="en-GB"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · Auditor's workspace</title>
            <link rel="icon" href="data:,">
            <link rel="stylesheet" href="/workspace/workspace.css">
            <script src="/workspace/workspace.js" defer></script>
            </head><body>
            <a class="skip" href="#main">Skip to content</a>
            <header>
            <nav aria-label="Workspace"><ul>
            <li><a href="/workspace">Find a subject</a></li>
            <li><a href="/workspace/activity">Agency activity</a></li>
            <li><a href="/workspace/log">Log health</a></li>
            </ul></nav>
            <h1>\(HTML.escape(title))</h1>
            \(record)
            <p class="viewer">Viewed by <strong>\(HTML.escape(viewer.name))</strong> on \(UKTime.text(viewedAt)) (UK time).
            This view is recorded in the broker's audit log. Message contents are never shown here: they stay with the recipients.</p>
            <p class="verification" id="verification" aria-live="polite">Checking the log in this browser…</p>
            </header>
            <main id="main">
            \(body)
            </main>
            <footer><p>How to check this record: each entry on this page carries its index in the broker's audit log (an RFC 9162
            Merkle tree). This browser fetched an inclusion proof for every entry and the signed tree head, and checked both
            with the broker's audit key; anyone can repeat the check offline with <code>sharectl audit verify</code>.</p></footer>
            </body></html>

            """
    }
}
