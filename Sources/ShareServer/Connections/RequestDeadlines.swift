import NIOCore

/// What an HTTP/1.1 connection, or one HTTP/2 stream, is waiting for from its client and by when:
/// a plain value moved by the parts read and written, answering with the deadline now in force.
///
/// - Until the first request's head: `headerTimeout` from the start (the end of the handshake).
/// - From a head to the end of its body: `bodyTimeout`.
/// - While requests are answered (an inbox wait, a delivery stream): no deadline.
/// - From the end of the last answer to the next head: `idleTimeout`.
struct RequestDeadlines {
    /// Which wait a deadline ends.
    enum Wait: String {
        case header
        case body
        case idle
    }

    let settings: ConnectionSettings
    private var readingBody = false
    private var unanswered = 0
    private var answeredAny = false
    private var since: NIODeadline

    init(settings: ConnectionSettings, start: NIODeadline) {
        self.settings = settings
        since = start
    }

    /// A request's head was read.
    mutating func headRead(at now: NIODeadline) {
        readingBody = true
        unanswered += 1
        since = now
    }

    /// A request's body ended.
    mutating func bodyEnded() {
        readingBody = false
    }

    /// An answer was written in full.
    mutating func answerEnded(at now: NIODeadline) {
        unanswered = max(0, unanswered - 1)
        answeredAny = true
        if unanswered == 0 { since = now }
    }

    /// The deadline in force and what it waits for; nil while requests are being answered.
    var deadline: (at: NIODeadline, wait: Wait)? {
        if readingBody { return (since + TimeAmount(settings.bodyTimeout), .body) }
        if unanswered > 0 { return nil }
        if answeredAny { return (since + TimeAmount(settings.idleTimeout), .idle) }
        return (since + TimeAmount(settings.headerTimeout), .header)
    }
}
