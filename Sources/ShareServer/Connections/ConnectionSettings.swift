/// How many connections the broker keeps open and how long it waits for each client, so that
/// connections that never finish TLS, sit idle, or send a request slowly cannot use up the
/// broker's file descriptors and lock the agencies out. README.md "Configuration" (the
/// `connections` keys) documents each value and its default.
public struct ConnectionSettings: Sendable {
    /// Most connections open at once; a connection accepted beyond it is closed at once.
    public var maxOpen = 4096
    /// Most connections open at once from one client IP address; more are closed at once.
    public var maxPerAddress = 256
    /// From accepting a connection to the end of its TLS handshake.
    public var handshakeTimeout: Duration = .seconds(10)
    /// From the end of the TLS handshake to the complete head of the first request.
    public var headerTimeout: Duration = .seconds(10)
    /// From a request's head to the end of its body.
    public var bodyTimeout: Duration = .seconds(60)
    /// How long a connection may stay open with no request in progress: an HTTP/1.1 connection
    /// between requests, an HTTP/2 connection with no open stream. Longer than the 60 seconds
    /// clients such as AsyncHTTPClient keep an unused connection, so the client closes first.
    public var idleTimeout: Duration = .seconds(75)

    public init() {}
}
