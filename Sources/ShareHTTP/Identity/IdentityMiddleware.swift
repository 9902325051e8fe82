import Crypto
import Logging
import ShareModel
public import Hummingbird
import NIOCore
import NIOSSL
public import ShareBroker
import SwiftASN1
import X509

/// Maps the verified client certificate to an agency on every request, so that suspending an
/// agency, or revoking one of its certificates, takes effect on connections it already has open.
public struct IdentityMiddleware: RouterMiddleware {
    public typealias Context = BrokerRequestContext
    let broker: Broker

    public init(broker: Broker) {
        self.broker = broker
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let certificate = try await Self.presentedCertificate(context.channel, revocations: broker.revocations)
        context.agency = try await broker.identify(certificate)
        context.logger[metadataKey: ShareLogKey.agency] = "\(context.agency!.id)"
        return try await next(request, context)
    }

    /// The peer's certificate: the lowercase hex SHA-256 of its DER, its serial number and, only
    /// when `revocations` lists that serial number, its issuer; nil if it sent none.
    /// On HTTP/1.1 the TLS handler is on the request's channel (the connection, whose parent
    /// is the listening channel); on HTTP/2 it is on the parent of the stream's channel (the
    /// connection). Asking the right channel first costs one trip to its event loop, not two.
    static func presentedCertificate(_ channel: any Channel, revocations: RevokedCertificates) async throws -> PresentedCertificate? {
        let connection = channel.parent.flatMap { $0.parent == nil ? nil : $0 } ?? channel
        let certificate = try? await connection.nioSSL_peerCertificate().get()
        guard let certificate, let der = try? certificate.toDERBytes() else { return nil }
        let serialNumber = certificate.serialNumber
        return PresentedCertificate(
            fingerprint: Hex.encode(SHA256.hash(data: der)), serialNumber: serialNumber,
            issuer: revocations.lists(serialNumber: serialNumber) ? issuer(der) : nil)
    }

    /// The DER of the certificate's issuer name.
    private static func issuer(_ der: [UInt8]) -> [UInt8]? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(certificate.issuer)) != nil else { return nil }
        return serializer.serializedBytes
    }
}
