import Crypto
import Logging
import ShareModel
public import Hummingbird
import NIOCore
import NIOSSL
public import ShareBroker

/// Maps the verified client certificate to an agency on every request, so that suspending an
/// agency takes effect on connections it already has open.
public struct IdentityMiddleware: RouterMiddleware {
    public typealias Context = BrokerRequestContext
    let broker: Broker

    public init(broker: Broker) {
        self.broker = broker
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let fingerprint = try await Self.peerCertificateFingerprint(context.channel)
        context.agency = try broker.identify(certificateFingerprint: fingerprint)
        context.logger[metadataKey: ShareLogKey.agency] = "\(context.agency!.id)"
        return try await next(request, context)
    }

    /// Lowercase hex SHA-256 of the DER of the peer's certificate, or nil if it sent none.
    /// On HTTP/1.1 the TLS handler is on the request's channel (the connection, whose parent
    /// is the listening channel); on HTTP/2 it is on the parent of the stream's channel (the
    /// connection). Asking the right channel first costs one trip to its event loop, not two.
    static func peerCertificateFingerprint(_ channel: any Channel) async throws -> String? {
        let connection = channel.parent.flatMap { $0.parent == nil ? nil : $0 } ?? channel
        let certificate = try? await connection.nioSSL_peerCertificate().get()
        guard let certificate, let der = try? certificate.toDERBytes() else { return nil }
        return Hex.encode(SHA256.hash(data: der))
    }
}
