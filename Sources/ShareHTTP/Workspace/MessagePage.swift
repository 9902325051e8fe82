import Foundation
import ShareBroker
import ShareModel

/// One message's record: what it was, how it was routed, each delivery, and every audit entry about it.
enum MessagePage {
    static func html(_ timeline: SubjectTimeline, words: Words, now: Date) -> String {
        guard let item = timeline.items.first else {
            return "<p>The audit log holds nothing about this message.</p>"
        }
        let routing = switch (item.category, item.deliveries.isEmpty) {
        case (.refusal, _): "Refused by the sharing policy: it was never stored, so it was routed to nobody."
        case (_, true): "Routed to nobody: a record kept for its sender and auditors."
        default: routes(item.deliveries, words: words)
        }
        return """
            <h2>Routing</h2>
            <p class="routing">\(HTML.escape(routing))</p>
            <h2>What was recorded</h2>
            <ol class="timeline">\(timeline.items.map {
                TimelineItemView(item: $0, words: words, now: now, subscriptions: timeline.subscriptions,
                                 linksToMessagePage: false).html()
            }.joined(separator: "\n"))</ol>
            """
    }

    /// The recipients grouped by how they came to receive it, such as "Addressed directly to A.
    /// Found by a subscription: B." (the table of recipients names each subscription).
    private static func routes(_ deliveries: [SubjectTimeline.Delivery], words: Words) -> String {
        func names(_ included: (SubjectTimeline.Delivery.Reason?) -> Bool) -> String? {
            let names = deliveries.filter { included($0.reason) }.map { words.agency($0.recipient) }
            return names.isEmpty ? nil : names.joined(separator: ", ")
        }
        let sentences: [String?] = [
            names { $0 == .route(.direct) }.map { "Addressed directly to \($0)." },
            names { reason in
                if case .route(.subscription) = reason { return true }
                return reason == .unnamedSubscription
            }.map { "Found by a subscription: \($0)." },
            names { $0 == .route(.educatedAtHome) }.map { "Sent to \($0) in place of the school, as the child is educated at home." },
            names { $0 == nil }.map { "How it was routed to \($0) is not known." },
        ]
        return sentences.compactMap { $0 }.joined(separator: " ")
    }
}
