import Foundation
import ShareBroker
import ShareModel

/// One message's record: what it was, how it was routed, each delivery, and every audit entry about it.
enum MessagePage {
    static func html(_ timeline: SubjectTimeline, words: Words, now: Date) -> String {
        guard let item = timeline.items.first else {
            return "<p>The audit log holds nothing about this message.</p>"
        }
        let direct = item.deliveries.filter { $0.direct == true }.map { words.agency($0.recipient) }
        let routing = switch (item.category, item.deliveries.isEmpty) {
        case (.refusal, _): "Refused by the sharing policy: it was never stored, so it was routed to nobody."
        case (_, true): "Routed to nobody: a record kept for its sender and auditors."
        case _ where direct.isEmpty: "Every recipient was found by a subscription."
        default: "Addressed directly to \(direct.joined(separator: ", ")); any other recipient was found by a subscription."
        }
        return """
            <p class="routing">\(HTML.escape(routing))</p>
            <ol class="timeline">\(timeline.items.map { TimelineItemView(item: $0, words: words, now: now).html() }.joined(separator: "\n"))</ol>
            """
    }
}
