import Logging
import ShareModel
public import Hummingbird
import NIOCore
public import ShareBroker

/// Maps the verified client certificate to an agency on every request, so that suspending an
/// agency, or revoking one of its certificates, takes effect on connections it already has open.
public struct IdentityMiddleware: RouterMiddleware {
    public typealias Context = BrokerRequestContext
    let broker: Broker
    let certificates: ConnectionCertificates

    public init(broker: Broker, certificates: ConnectionCertificates) {
        self.broker = broker
        self.certificates = certificates
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let certificate = presentedCertificate(context.channel)
        context.agency = try await broker.identify(certificate)
        context.logger[metadataKey: ShareLogKey.agency] = "\(context.agency!.id)"
        return try await next(request, context)
    }

    /// The peer's certificate: the lowercase hex SHA-256 of its DER, its serial number and, only
    /// when the revocation list names that serial number, its issuer; nil if it sent none.
    /// On HTTP/1.1 the TLS handler is on the request's channel (the connection, whose parent
    /// is the listening channel); on HTTP/2 it is on the parent of the stream's channel (the
    /// connection), whose certificate was recorded when its handshake completed.
    func presentedCertificate(_ channel: any Channel) -> PresentedCertificate? {
        let connection = channel.parent.flatMap { $0.parent == nil ? nil : $0 } ?? channel
        return certificates.presented(on: connection, revocations: broker.revocations)
    }
}
