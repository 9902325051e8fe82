import Foundation
import ShareBroker
import ShareModel
import ShareStore

/// One message's record: what it was, how it was routed, each delivery, and every audit entry about it.
enum MessagePage {
    static func html(entries: [StoredEvent], addressed: [AgencyID]?, words: Words, now: Date) -> String {
        guard var item = SubjectTimeline(entries: entries).items.first else {
            return "<p>The audit log holds nothing about this message.</p>"
        }
        if let addressed {
            for index in item.deliveries.indices { item.deliveries[index].direct = addressed.contains(item.deliveries[index].recipient) }
        }
        let routing = addressed.map { to in
            to.isEmpty ? "Not addressed to anyone: every recipient below was found by a subscription (or, for a record, none)."
                : "Addressed directly to \(to.map(words.agency).joined(separator: ", ")); any other recipient was found by a subscription."
        } ?? "The message was not stored (it was refused), so it was routed to nobody."
        return """
            <p class="routing">\(HTML.escape(routing))</p>
            <ol class="timeline">\(TimelineItemView(item: item, words: words, now: now).html())</ol>
            """
    }
}
