/// Whether a request that one broker URL did not answer may be sent to the next URL.
///
/// A request moves on when it certainly did not reach the broker (the connection or the TLS
/// handshake failed), whatever the request. It also moves on when it may have reached the
/// broker, or was answered 503 (the node is stopping or its store cannot write, and did
/// nothing), but only if sending it twice is harmless: reads, `PUT` and `DELETE` (idempotent
/// in HTTP), and the broker's idempotent `POST`s (a publish or batch publish is answered with
/// the first answer again, `Idempotent-Replayed: true`, and acknowledging twice changes
/// nothing). Creating a subscription is not: a second node would create a second one. Any
/// other answer, 4xx or 5xx, is the broker's answer and is never sent elsewhere.
struct FailoverRule: Sendable {
    /// True when sending the request twice does no harm.
    let repeatable: Bool

    /// The rule for a request to `path` (with or without its query).
    init(method: String, path: String) {
        switch method.uppercased() {
        case "GET", "HEAD", "PUT", "DELETE", "OPTIONS":
            repeatable = true
        case "POST":
            repeatable = Self.isIdempotentPost(path)
        default:
            repeatable = false
        }
    }

    /// True when the request goes on to the next URL after `failure`.
    func movesOn(after failure: ConnectionFailure) -> Bool {
        switch failure.kind {
        case .notConnected: true
        case .lost: repeatable
        case .cancelled: false
        }
    }

    /// True when the request goes on to the next URL after an answer with this status.
    func movesOn(afterStatus status: Int) -> Bool {
        status == 503 && repeatable
    }

    /// True for the broker's `POST` routes that answer a resend as the first send: publish,
    /// batch publish and both acknowledgements.
    private static func isIdempotentPost(_ path: String) -> Bool {
        let query = path.firstIndex(of: "?") ?? path.endIndex
        let parts = path[..<query].split(separator: "/").map(String.init)
        switch parts {
        case ["v1", "messages"], ["v1", "messages", "batch"], ["v1", "deliveries", "ack"]:
            return true
        default:
            return parts.count == 4 && parts[0] == "v1" && parts[1] == "deliveries" && parts[3] == "ack"
        }
    }
}
