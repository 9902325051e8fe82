import NIOCore
import NIOTLS

/// Tells which protocol a connection's client chose by ALPN once its TLS handshake is done
/// ("h2", "http/1.1", or nil when it named none), or nil if the connection ends first. It sits
/// just after the TLS handler and leaves the pipeline once it knows.
final class NegotiatedProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let promise: EventLoopPromise<String?>
    private var told = false

    /// The protocol, once known.
    let negotiated: EventLoopFuture<String?>

    init(eventLoop: any EventLoop) {
        promise = eventLoop.makePromise()
        negotiated = promise.futureResult
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if case .handshakeCompleted(let negotiated) = event as? TLSUserEvent {
            tell(negotiated)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tell(nil)
    }

    private func tell(_ negotiated: String?) {
        guard !told else { return }
        told = true
        promise.succeed(negotiated)
    }
}
