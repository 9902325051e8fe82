public import Foundation
public import ShareModel
import ShareStore

/// What each agency did per month: messages sent and received by type, its refusals, and its
/// deliveries still unacknowledged or acknowledged after their `dueBy`. Months are counted in
/// `timeZone` (UK local time for the workspace). Built from log entries alone.
public struct AgencyActivity: Sendable {
    public struct Row: Sendable {
        public let agency: AgencyID
        /// YYYY-MM.
        public let month: String
        public var sent: [String: Int] = [:]
        public var received: [String: Int] = [:]
        public var refusals = 0
        public var unacknowledged = 0
        public var overdue = 0
    }

    /// Sorted by month, then agency.
    public let rows: [Row]

    public init(entries: [StoredEvent], now: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func month(_ date: Date) -> String {
            let parts = calendar.dateComponents([.year, .month], from: date)
            return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
        }
        var rows: [String: Row] = [:]
        func update(_ agency: AgencyID, _ at: Date, _ change: (inout Row) -> Void) {
            let key = month(at) + " " + agency.rawValue
            var row = rows[key] ?? Row(agency: agency, month: month(at))
            change(&row)
            rows[key] = row
        }
        var types: [UUID: String] = [:]
        var routed: [UUID: EventRecord] = [:]
        var acknowledged: [UUID: Date] = [:]
        for stored in entries {
            let event = stored.event
            switch event.kind {
            case .published:
                if let id = event.messageID, let type = event.messageType {
                    types[id] = type
                    update(event.agency, event.at) { $0.sent[type, default: 0] += 1 }
                }
            case .refused:
                update(event.agency, event.at) { $0.refusals += 1 }
            case .routed:
                if let delivery = event.deliveryID { routed[delivery] = event }
            case .acknowledged:
                if let delivery = event.deliveryID { acknowledged[delivery] = event.at }
            default:
                break
            }
        }
        for (delivery, event) in routed {
            guard let recipient = event.recipient else { continue }
            let type = event.messageID.flatMap { types[$0] } ?? "unknown"
            let acknowledgedAt = acknowledged[delivery]
            update(recipient, event.at) { row in
                row.received[type, default: 0] += 1
                if acknowledgedAt == nil { row.unacknowledged += 1 }
                if let dueBy = event.dueBy, acknowledgedAt.map({ $0 > dueBy }) ?? (now > dueBy) { row.overdue += 1 }
            }
        }
        self.rows = rows.values.sorted { ($0.month, $0.agency) < ($1.month, $1.agency) }
    }
}
