/// Splits a `text/event-stream` body into events, following the WHATWG parsing rules for the
/// `id`, `event` and `data` fields (`retry` and comment lines are ignored).
struct ServerSentEventParser {
    struct Event: Sendable {
        /// The last event id seen on the stream, as the specification carries it forward.
        let id: String
        /// The `event` field, or `message` when absent.
        let type: String
        let data: String
    }

    private var line: [UInt8] = []
    private var lastEventID = ""
    private var type = ""
    private var data: [String] = []

    /// Consumes bytes; returns the events they complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            guard byte == UInt8(ascii: "\n") else {
                line.append(byte)
                continue
            }
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if let event = take(String(decoding: line, as: UTF8.self)) { events.append(event) }
            line.removeAll(keepingCapacity: true)
        }
        return events
    }

    /// Handles one line; a blank line completes the event collected so far.
    private mutating func take(_ text: String) -> Event? {
        if text.isEmpty {
            defer {
                type = ""
                data = []
            }
            guard !data.isEmpty else { return nil }
            return Event(id: lastEventID, type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"))
        }
        if text.hasPrefix(":") { return nil }
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        var value = parts.count > 1 ? String(parts[1]) : ""
        if value.hasPrefix(" ") { value.removeFirst() }
        switch parts[0] {
        case "id" where !value.contains("\0"): lastEventID = value
        case "event": type = value
        case "data": data.append(value)
        default: break
        }
        return nil
    }
}
