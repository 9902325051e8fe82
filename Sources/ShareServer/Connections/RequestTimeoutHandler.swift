import Logging
import NIOCore
import NIOHTTPTypes

/// Closes an HTTP/1.1 connection, or an HTTP/2 stream, whose client does not send what it must
/// in time (`RequestDeadlines`): a slow or missing first request head, a slow body, or a
/// kept-alive connection left unused. An answer being written is never cut short.
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: RequestDeadlines
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(settings: ConnectionSettings, logger: Logger) {
        deadlines = RequestDeadlines(settings: settings, start: .now())
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        schedule(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            deadlines.headRead(at: .now())
            schedule(context)
        case .end:
            deadlines.bodyEnded()
            schedule(context)
        case .body:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            deadlines.answerEnded(at: .now())
            schedule(context)
        }
        context.write(data, promise: promise)
    }

    /// Replaces the timer with one for the deadline now in force, if any.
    private func schedule(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        guard let (deadline, wait) = deadlines.deadline else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [logger] in
            logger.debug("Client too slow; connection closed", metadata: ["share.wait": "\(wait.rawValue)"])
            context.close(promise: nil)
        }
    }
}
