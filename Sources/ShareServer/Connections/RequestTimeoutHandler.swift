import Logging
import NIOCore
import NIOHTTPTypes

/// Closes an HTTP/1.1 connection, or an HTTP/2 stream, whose client does not send what it must
/// in time (`RequestDeadlines`): a slow or missing first request head, a slow body, or a
/// kept-alive connection left unused. An answer being written is never cut short.
///
/// One timer at a time, moved only when the deadline comes earlier than it: each request moves
/// the deadline three times (its head, its body's end, its answer's end), mostly later, so a
/// timer that fires before the deadline now in force is simply set again for it.
final class RequestTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var deadlines: RequestDeadlines
    private let logger: Logger
    private var timer: (task: Scheduled<Void>, at: NIODeadline)?

    init(settings: ConnectionSettings, logger: Logger) {
        deadlines = RequestDeadlines(settings: settings, start: .now())
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        schedule(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.task.cancel()
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

    /// Makes sure a timer fires by the deadline now in force, if any: a timer already set for
    /// that time or earlier is kept.
    private func schedule(_ context: ChannelHandlerContext) {
        guard let (deadline, _) = deadlines.deadline else { return }
        if let timer {
            if timer.at <= deadline { return }
            timer.task.cancel()
        }
        timer = (context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in expire(context) }, deadline)
    }

    /// The timer fired: closes the connection if the deadline now in force has passed,
    /// otherwise sets the timer again for it.
    private func expire(_ context: ChannelHandlerContext) {
        timer = nil
        guard let (deadline, wait) = deadlines.deadline else { return }
        guard deadline <= .now() else { return schedule(context) }
        logger.debug("Client too slow; connection closed", metadata: ["share.wait": "\(wait.rawValue)"])
        context.close(promise: nil)
    }
}
