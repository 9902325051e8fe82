public import Foundation
import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import ShareLocking
import ShareServer

/// A stand-in for an agency's HTTPS endpoint (outside the broker, so a fake is fair): it
/// requires a client certificate from `clientCA`, answers each POST with the next status of a
/// script (then 200), and keeps what it received. Always `stop()` it.
public final class WebhookReceiver: Sendable {
    /// One request as received.
    public struct Received: Sendable {
        public let deliveryID: String?
        public let body: Data
        public let status: Int
    }

    /// The script and what was received, shared with the request handler.
    private final class Recorder: Sendable {
        struct State {
            var script: [Int]
            var received: [Received] = []
        }

        let state: Locked<State>

        init(script: [Int]) {
            state = Locked(State(script: script))
        }
    }

    /// The CA that issued the receiver's certificate, for the broker's `webhooks.trustRoots`.
    public let caPEM: String
    public let port: Int
    private let recorder: Recorder
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    /// Starts on 127.0.0.1 with an ephemeral port and a certificate from a CA of its own.
    public init(clientCA: String, answering script: [Int] = []) async throws {
        let pki = try DevPKI()
        let issued = try pki.issueServer()
        caPEM = pki.caPEM
        let recorder = Recorder(script: script)
        self.recorder = recorder
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.keyPEM.utf8), format: .pem)))
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
        tls.certificateVerification = .noHostnameVerification
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let status = recorder.state.withLock { state -> Int in
                let status = state.script.isEmpty ? 200 : state.script.removeFirst()
                state.received.append(Received(deliveryID: request.headers[.init("Sharebroker-Delivery-Id")!],
                                               body: Data(body.readableBytesView), status: status))
                return status
            }
            return Response(status: .init(code: status))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, server: try .http2Upgrade(tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: Logger(label: "webhook-receiver") { _ in SwiftLogNoOpLogHandler() })
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: Logger(label: "webhook-receiver")))
        group = serviceGroup
        running = Task { try await serviceGroup.run() }
        port = await ports.first { _ in true } ?? 0
    }

    /// The endpoint URL to register.
    public var url: String { "https://localhost:\(port)/hook" }

    /// Everything received so far, in order.
    public var received: [Received] { recorder.state.withLock { $0.received } }

    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await running.value
    }
}
