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
        case admitted(HTTP2UpgradeChannel.Value)
        /// Over a limit: closed as soon as it is registered, without reading from it.
        case refused(any Channel)

        var channel: any Channel {
            switch self {
            case .admitted(let value): value.channel
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
        do {
            let tlsHandler = try channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self)
            try channel.pipeline.syncOperations.addHandlers(
                [HandshakeTimeoutHandler(timeout: settings.handshakeTimeout, logger: logger), certificates.recorder()], position: .after(tlsHandler))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return admitted.map { .admitted($0) }
    }

    func handle(value: Value, logger: Logger) async {
        if case .admitted(let admitted) = value {
            await http.handle(value: admitted, logger: logger)
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
