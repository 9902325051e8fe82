import Foundation
import ShareModel

/// Audit entries as a list the page's script checks one by one: each item carries the entry's
/// index and its exact bytes (base64), whose leaf hash the script recomputes and proves
/// included in the signed tree head. The bytes hold the facts of a disclosure, never a payload.
enum EntryList {
    static func html(_ entries: [StoredEvent], words: Words) -> String {
        let items = entries.map { stored in
            let event = stored.event
            let party = event.recipient.map { " → " + words.agency($0) } ?? ""
            return """
                <li class="entry" data-index="\(stored.index)" data-leaf="\(stored.entry.base64EncodedString())">\
                <span class="index">#\(stored.index)</span> \(HTML.escape(Words.entryKind(event.kind.rawValue))): \
                \(HTML.escape(words.agency(event.agency)))\(HTML.escape(party)), \(UKTime.text(event.at)) \
                <span class="verdict" data-verdict="pending">not yet checked</span></li>
                """
        }
        return "<ol class=\"entries\" aria-label=\"Audit log entries\">\(items.joined(separator: "\n"))</ol>"
    }
}
