import PostgresNIO
import ShareModel
import ShareStore

/// How one node tells the others what it committed: a PostgreSQL notification on one
/// channel, sent by the transaction itself, so that PostgreSQL delivers it only if and when
/// the transaction commits (and never for one rolled back).
///
/// The payload is a word and, for deliveries, the agencies they are for:
/// `deliveries csc mash`, `subscriptions`, `webhooks`, `streams`, `configuration`. PostgreSQL refuses payloads of 8000
/// bytes or more; a longer list of agencies is sent as `unknown` (every node wakes everyone).
enum ChangeNotice {
    static let channel = "sharebroker_changes"
    private static let longestPayload = 7000

    /// Queues the notice of `change` in the transaction on `connection`.
    static func send(_ change: StoreChange, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), \(payload(of: change)))", logger: logger)
    }

    static func payload(of change: StoreChange) -> String {
        switch change {
        case .deliveries(let agencies):
            let text = (["deliveries"] + Set(agencies).map(\.rawValue).sorted()).joined(separator: " ")
            return text.utf8.count < longestPayload ? text : "unknown"
        case .subscriptions: return "subscriptions"
        case .webhooks: return "webhooks"
        case .streamPresence: return "streams"
        case .configuration: return "configuration"
        case .unknown: return "unknown"
        }
    }

    /// The change a payload announces; `unknown` for one this version does not know.
    static func change(from payload: String) -> StoreChange {
        let words = payload.split(separator: " ")
        switch words.first {
        case "deliveries": return .deliveries(words.dropFirst().compactMap { AgencyID(String($0)) })
        case "subscriptions": return .subscriptions
        case "webhooks": return .webhooks
        case "streams": return .streamPresence
        case "configuration": return .configuration
        default: return .unknown
        }
    }
}
