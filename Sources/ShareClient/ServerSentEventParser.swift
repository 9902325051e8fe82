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
    mutating func feed(_ bytes: some Collection<UInt8>) -> [Event] {
        var events: [Event] = []
        let fed: Void? = bytes.withContiguousStorageIfAvailable { feed($0, into: &events) }
        if fed == nil {
            Array(bytes).withUnsafeBufferPointer { feed($0, into: &events) }
        }
        return events
    }

    /// Splits at line feeds, copying each run of bytes once.
    private mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>, into events: inout [Event]) {
        var start = 0
        while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
            line.append(contentsOf: buffer[start..<newline])
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if let event = take(line) { events.append(event) }
            line.removeAll(keepingCapacity: true)
            start = newline + 1
        }
        line.append(contentsOf: buffer[start...])
    }

    /// Handles one line; a blank line completes the event collected so far.
    private mutating func take(_ line: [UInt8]) -> Event? {
        if line.isEmpty {
            defer {
                type = ""
                data = []
            }
            guard !data.isEmpty else { return nil }
            return Event(id: lastEventID, type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"))
        }
        if line.first == UInt8(ascii: ":") { return nil }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        var valueStart = min(colon + 1, line.endIndex)
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
        let value = String(decoding: line[valueStart...], as: UTF8.self)
        switch String(decoding: line[..<colon], as: UTF8.self) {
        case "id" where !value.contains("\0"): lastEventID = value
        case "event": type = value
        case "data": data.append(value)
        default: break
        }
        return nil
    }
}
