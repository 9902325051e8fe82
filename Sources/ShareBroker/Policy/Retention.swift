public import Foundation
public import ShareModel
import ShareStore

/// When a message's content is destroyed: its type's `retentionDays` after the message was
/// settled, that is when its last delivery was acknowledged, expired or dead-lettered (when
/// it was received, for a record delivered to nobody). Until then, and while any of its
/// deliveries is still open, a request deadline or a delivery deadline of it is unsettled, or a
/// legal hold covers its subject, it is kept. The evidence is never destroyed: its audit entries
/// hold only a digest of the message, so every entry and every proof stays as it was.
public enum Retention {
    /// For each type with a retention period: the latest settlement time of a message whose
    /// retention has ended at `now`, by type name as the store keeps it.
    public static func cutoffs(_ policy: SharingPolicy, now: Date) -> [String: Date] {
        var cutoffs: [String: Date] = [:]
        for (type, rule) in policy.rules {
            if let period = rule.retention { cutoffs[type.description] = now.addingTimeInterval(-period) }
        }
        return cutoffs
    }

    /// Whether a message settled at `settledAt` is past a `period` of retention at `now` (at the
    /// very instant the period ends, it is).
    public static func hasEnded(settledAt: Date, period: TimeInterval, now: Date) -> Bool {
        settledAt.addingTimeInterval(period) <= now
    }

    /// The entry recording that a message's content was destroyed: by the broker, naming the
    /// message and its type; never its content.
    public static func purgedEntry(_ messageID: UUID, type: String, at now: Date) -> EventRecord {
        EventRecord(kind: .purged, at: now, agency: .broker, messageID: messageID, messageType: type, rule: "retentionDays")
    }
}
