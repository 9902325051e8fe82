import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import ShareHTTP

/// The broker's HTTPS connections: Hummingbird's HTTP/1.1 and HTTP/2 (by ALPN) channel behind
/// the connection limits (`ConnectionGate`) and the TLS handshake deadline; the request
/// deadlines (`RequestTimeoutHandler`) are in each HTTP/1.1 connection and HTTP/2 stream.
struct GuardedHTTPChannel: ServerChildChannel {
    enum Value: ServerChildChannelValue {
        /// With the protocol the client chose by ALPN, once its handshake is done.
        case admitted(HTTP2UpgradeChannel.Value, negotiated: EventLoopFuture<String?>)
        /// Over a limit: closed as soon as it is registered, without reading from it.
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .admitted(let value, _): value.channel
            case .refused(let channel): channel
            }
        }
    }

    let http: HTTP2UpgradeChannel
    let gate: ConnectionGate
    let certificates: ConnectionCertificates
    let settings: ConnectionSettings

    /// The server of `Application(router:server:)`: TLS from `tls`, limits from `gate`, each
    /// connection's client certificate recorded in `certificates` at its handshake, deadlines
    /// from `settings`; warns when the open-file limit is too low for them.
    static func server(tls: TLSConfiguration, gate: ConnectionGate, certificates: ConnectionCertificates, settings: ConnectionSettings,
                       logger: Logger) -> HTTPServerBuilder {
        OpenFileLimit.warnIfTooLow(for: settings, logger: logger)
        // On shutdown, a client that keeps its HTTP/2 connection open after the final GOAWAY is
        // cut off after five seconds.
        let configuration = HTTP2UpgradeChannel.Configuration(
            idleTimeout: settings.idleTimeout, gracefulCloseTimeout: .seconds(5),
            streamConfiguration: .init(additionalChannelHandlers: [RequestTimeoutHandler(settings: settings, logger: logger)]))
        return HTTPServerBuilder { responder in
            GuardedHTTPChannel(
                http: try HTTP2UpgradeChannel(tlsConfiguration: tls, configuration: configuration, responder: responder),
                gate: gate, certificates: certificates, settings: settings)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard gate.admit(channel) else {
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(CloseOnActiveHandler())
                return .refused(channel)
            }
        }
        let admitted = http.setup(channel: channel, logger: logger)
        let protocolHandler = NegotiatedProtocolHandler(eventLoop: channel.eventLoop)
        do {
            let tlsHandler = try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            try channel.pipeline.syncOperations.addHandlers(
                [HandshakeTimeoutHandler(timeout: settings.handshakeTimeout, logger: logger), certificates.recorder(), protocolHandler],
                position: .after(tlsHandler))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let negotiated = protocolHandler.negotiated
        return admitted.map { .admitted($0, negotiated: negotiated) }
    }

    /// An HTTP/1.1 connection's task runs on the connection's event loop (`EventLoopTaskExecutor`):
    /// it carries one request at a time, so nothing is lost by keeping its work on the thread that
    /// reads and writes it, and two thread hand-overs per request are saved. An HTTP/2
    /// connection's streams stay on Swift's task pool, so that one client's many requests at once
    /// (a gateway's, for several agencies) can use every core.
    func handle(value: Value, logger: Logger) async {
        guard case .admitted(let admitted, let negotiated) = value else { return }
        if (try? await negotiated.get()) == "h2" {
            await http.handle(value: admitted, logger: logger)
        } else {
            await withTaskExecutorPreference(EventLoopTaskExecutor(admitted.channel.eventLoop)) {
                await http.handle(value: admitted, logger: logger)
            }
        }
    }
}

/// Closes a refused connection as soon as it is active, giving its file descriptor back.
private final class CloseOnActiveHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelActive(context: ChannelHandlerContext) {
        context.close(promise: nil)
    }
}
