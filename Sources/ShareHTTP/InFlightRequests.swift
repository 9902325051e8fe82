public import Hummingbird
import ShareLocking

/// Counts requests being handled, so a shutdown can let them finish before connections close.
///
/// The HTTP/2 server closes connections on graceful shutdown without waiting for streams
/// whose handler is still running; draining here first keeps in-flight publishes and long
/// polls from being cut off.
public final class InFlightRequests: Sendable {
    private let count = Locked(0)

    public init() {}

    public var current: Int { count.withLock { $0 } }

    /// Returns once no request is being handled, or after `timeout`.
    public func waitUntilIdle(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while current > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    fileprivate func begin() { count.withLock { $0 += 1 } }
    fileprivate func end() { count.withLock { $0 -= 1 } }

    /// The middleware that does the counting.
    public func middleware<Context: RequestContext>(context: Context.Type = Context.self) -> some RouterMiddleware<Context> {
        Counter(requests: self)
    }

    private struct Counter<Context: RequestContext>: RouterMiddleware {
        let requests: InFlightRequests

        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            requests.begin()
            defer { requests.end() }
            return try await next(request, context)
        }
    }
}
