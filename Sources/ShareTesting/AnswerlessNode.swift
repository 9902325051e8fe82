public import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import ShareLocking

/// A node that fails in the middle of a request: it listens on 127.0.0.1 with a broker's
/// TLS certificate, reads each request, and closes the connection without answering, as a
/// node does when it crashes after a request reached it. It counts the requests it dropped.
/// Always `stop()` it.
public final class AnswerlessNode: Sendable {
    private let channel: any Channel
    private let dropped: Dropped
    /// `https://127.0.0.1:PORT`.
    public let url: URL

    private init(channel: any Channel, dropped: Dropped, url: URL) {
        self.channel = channel
        self.dropped = dropped
        self.url = url
    }

    /// Listens with `broker`'s server certificate, so that the broker's clients complete the
    /// TLS handshake and send their request.
    public static func start(certificateOf broker: TestBroker) async throws -> AnswerlessNode {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(broker.pkiFile("broker.crt")).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: broker.pkiFile("broker.key"), format: .pem)))
        tls.applicationProtocols = ["http/1.1"]
        let context = try NIOSSLContext(configuration: tls)
        let dropped = Dropped()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try child.pipeline.syncOperations.addHandler(CloseOnRequest(dropped: dropped))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else {
            throw TestBrokerError(reason: "the answerless node's listener has no port")
        }
        return AnswerlessNode(channel: channel, dropped: dropped, url: URL(string: "https://127.0.0.1:\(port)")!)
    }

    /// How many requests arrived and were dropped unanswered.
    public var droppedRequests: Int { dropped.count.withLock { $0 } }

    /// Stops listening.
    public func stop() async {
        try? await channel.close()
    }
}

private final class Dropped: Sendable {
    let count = Locked(0)
}

/// Closes the connection at the first bytes of a request, counting it once.
private final class CloseOnRequest: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let dropped: Dropped
    private var closing = false

    init(dropped: Dropped) {
        self.dropped = dropped
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        closing = true
        dropped.count.withLock { $0 += 1 }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
