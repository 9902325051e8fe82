import Foundation
import ShareModel

/// A delivery handed out to its recipient's streams as it was published, passed from the
/// publish straight to this process's open streams of the recipient, so that a stream that has
/// sent everything before it sends it without reading the store (see `StreamHandOut`).
struct PushedDelivery: Sendable {
    let recipient: AgencyID
    let delivery: InboxDelivery
    /// The recipient's latest delivery before this one not acknowledged when it was stored.
    let previous: Int
    /// The end of the visibility period of its hand-out at publish.
    let hiddenUntil: Date

    /// True while the hand-out at publish is still the delivery's latest and its message has
    /// not expired: what a stream may send without asking the store.
    func isCurrent(at now: Date) -> Bool {
        hiddenUntil > now && delivery.expiresAt.map { $0 > now } != false
    }
}
