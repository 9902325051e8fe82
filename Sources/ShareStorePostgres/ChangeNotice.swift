import PostgresNIO
import ShareModel
import ShareStore

/// How one node tells the others what it committed: a PostgreSQL notification on one
/// channel, sent by the transaction itself, so that PostgreSQL delivers it only if and when
/// the transaction commits (and never for one rolled back).
///
/// The payload is a word and, for deliveries, the store that committed them (`@` and its
/// `noticeSource`) and the agencies they are for: `deliveries @3f2a9c01be7d csc mash`,
/// `subscriptions`, `webhooks`, `streams`, `configuration`. PostgreSQL refuses payloads of
/// 8000 bytes or more; a longer list of agencies is sent as `unknown` (every node wakes
/// everyone). A store skips the notices of its own deliveries: its broker signalled them as
/// it stored them, and a signal with nothing pushed would make each stream read again what it
/// was just given.
enum ChangeNotice {
    static let channel = "sharebroker_changes"
    private static let longestPayload = 7000

    /// Queues the notice of `change` in the transaction on `connection`.
    static func send(_ change: StoreChange, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(channel), \(payload(of: change)))", logger: logger)
    }

    /// The payload announcing `change`, made by the store whose `noticeSource` is `source`.
    static func payload(of change: StoreChange, from source: String? = nil) -> String {
        switch change {
        case .deliveries(let agencies):
            let text = (["deliveries"] + (source.map { ["@" + $0] } ?? []) + Set(agencies).map(\.rawValue).sorted())
                .joined(separator: " ")
            return text.utf8.count < longestPayload ? text : "unknown"
        case .subscriptions: return "subscriptions"
        case .webhooks: return "webhooks"
        case .streamPresence: return "streams"
        case .configuration: return "configuration"
        case .unknown: return "unknown"
        }
    }

    /// The change a payload announces; `unknown` for one this version does not know, and nil
    /// for new deliveries the store whose `noticeSource` is `skipping` committed.
    static func change(from payload: String, skipping own: String) -> StoreChange? {
        let words = payload.split(separator: " ")
        switch words.first {
        case "deliveries":
            if words.count > 1, words[1] == "@" + own { return nil }
            return .deliveries(words.dropFirst().filter { !$0.hasPrefix("@") }.compactMap { AgencyID(String($0)) })
        case "subscriptions": return .subscriptions
        case "webhooks": return .webhooks
        case "streams": return .streamPresence
        case "configuration": return .configuration
        default: return .unknown
        }
    }
}
