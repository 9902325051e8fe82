import Hummingbird
import NIOCore
import ShareLocking

/// The requests being handled and the channels they arrived on, so a shutdown can let them
/// finish before connections close, and close under them those that do not finish in time.
///
/// The HTTP/2 server closes connections on graceful shutdown without waiting for streams
/// whose handler is still running; draining here first keeps in-flight publishes and long
/// polls from being cut off. The HTTP/1.1 server waits for a request's end however long it
/// takes, which is why a request still unfinished after the drain is closed from here.
public final class InFlightRequests: Sendable {
    private struct State {
        var channels: [Int: any Channel] = [:]
        var next = 0
    }

    private let state = Locked(State())

    public init() {}

    public var current: Int { state.withLock { $0.channels.count } }

    /// Returns once no request is being handled (0), or after `timeout` with how many still are.
    @discardableResult
    public func waitUntilIdle(timeout: Duration) async -> Int {
        let deadline = ContinuousClock.now + timeout
        while current > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return current
    }

    /// Closes the connection (for HTTP/2, the stream) of every request still being handled.
    public func closeUnfinished() {
        for channel in state.withLock({ Array($0.channels.values) }) {
            channel.closeBeneathTLS()
        }
    }

    private func begin(on channel: any Channel) -> Int {
        state.withLock { state in
            state.next += 1
            state.channels[state.next] = channel
            return state.next
        }
    }

    private func end(_ request: Int) {
        state.withLock { _ = $0.channels.removeValue(forKey: request) }
    }

    /// The middleware that does the counting.
    func middleware() -> some RouterMiddleware<BrokerRequestContext> {
        Counter(requests: self)
    }

    private struct Counter: RouterMiddleware {
        let requests: InFlightRequests

        func handle(_ request: Request, context: BrokerRequestContext,
                    next: (Request, BrokerRequestContext) async throws -> Response) async throws -> Response {
            let id = requests.begin(on: context.channel)
            defer { requests.end(id) }
            return try await next(request, context)
        }
    }
}
