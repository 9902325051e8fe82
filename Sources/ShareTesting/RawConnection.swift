import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import ShareLocking

/// A connection to a test broker that does only what the test says: connect and send nothing,
/// finish TLS and send half a request, send a body slowly. It keeps what the broker sends back
/// and notes when the broker closes it. For tests of how the broker treats idle, slow and
/// surplus clients; always `close()` it.
public final class RawConnection: Sendable {
    private let channel: any Channel
    private let record: Record

    private init(channel: any Channel, record: Record) {
        self.channel = channel
        self.record = record
    }

    /// Opens a TCP connection from `sourceAddress` (every 127.x.y.z address is this machine, so
    /// tests can act as several clients) to `broker`; with `agency`, TLS with that agency's
    /// certificate, offering HTTP/1.1 only.
    public static func open(to broker: TestBroker, from sourceAddress: String = "127.0.0.1",
                            tlsAs agency: String? = nil) async throws -> RawConnection {
        let tls = try agency.map { agency in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(broker.pkiFile("ca.crt"))
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(broker.pkiFile("\(agency).crt")).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: broker.pkiFile("\(agency).key"), format: .pem))
            configuration.certificateVerification = .noHostnameVerification
            configuration.applicationProtocols = ["http/1.1"]
            return try NIOSSLContext(configuration: configuration)
        }
        let record = Record()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: sourceAddress, port: 0))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(Recorder(record: record))
                }
            }
            .connect(host: "127.0.0.1", port: broker.port)
            .get()
        channel.closeFuture.whenComplete { _ in record.state.withLock { $0.closedAt = .now } }
        return RawConnection(channel: channel, record: record)
    }

    /// Sends `text` as it is (through TLS if the connection has it).
    public func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// What the broker has sent so far, as text.
    public var received: String { record.state.withLock { String(decoding: $0.received, as: UTF8.self) } }

    /// When the connection closed, if it has.
    public var closedAt: ContinuousClock.Instant? { record.state.withLock { $0.closedAt } }

    /// Waits up to `limit` for the broker to close the connection; whether it did.
    public func closedByBroker(within limit: Duration) async throws -> Bool {
        try await waitFor(within: limit) { closedAt != nil }
    }

    /// Waits up to `limit` for `text` to arrive; whether it did.
    public func receives(_ text: String, within limit: Duration) async throws -> Bool {
        try await waitFor(within: limit) { received.contains(text) }
    }

    /// Waits up to `limit` for `text` to have arrived `count` times in all; whether it did.
    public func receives(count: Int, of text: String, within limit: Duration) async throws -> Bool {
        try await waitFor(within: limit) { received.components(separatedBy: text).count - 1 >= count }
    }

    /// Closes the connection from this side (a no-op once closed).
    public func close() async {
        try? await channel.close()
    }

    /// Polls `condition` until it holds or `limit` (stretched under a sanitizer) passes.
    private func waitFor(within limit: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + TestLimits.scaled(limit)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}

/// What came back on a connection and when it closed.
private final class Record: Sendable {
    let state = Locked<(received: Data, closedAt: ContinuousClock.Instant?)>((Data(), nil))
}

/// Keeps every byte the broker sends; ends quietly when the broker closes or resets.
private final class Recorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let record: Record

    init(record: Record) {
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Data(unwrapInboundIn(data).readableBytesView)
        record.state.withLock { $0.received.append(bytes) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
