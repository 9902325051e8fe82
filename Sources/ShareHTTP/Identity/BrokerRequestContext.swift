public import Hummingbird
public import NIOCore
public import ShareModel

/// The per-request context: the connection the request came on and, once identified, the agency.
public struct BrokerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The channel the request arrived on (an HTTP/2 stream's parent holds the TLS session).
    public let channel: any Channel
    /// The calling agency, set by `IdentityMiddleware` on every request.
    public var agency: Agency?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The identified caller; the middleware guarantees it on every route it guards.
    func caller() throws -> Agency {
        guard let agency else { throw HTTPError(.unauthorized) }
        return agency
    }
}
