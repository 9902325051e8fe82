import Crypto
public import NIOCore
import NIOSSL
import NIOTLS
import ShareBroker
import ShareLocking
import ShareModel
import SwiftASN1
import X509

/// The client certificate of each open TLS connection, read once when its handshake completes,
/// so that identifying a request costs a lookup rather than a trip to the connection's event
/// loop and a SHA-256 of the certificate. The certificate of a TLS 1.3 connection cannot change
/// (the broker allows no renegotiation), so what was read at the handshake holds for the
/// connection's life; the directory and the revocation list are still checked on every request.
public final class ConnectionCertificates: Sendable {
    /// What identifies a connection's certificate: its fingerprint, serial number and issuer.
    struct Entry: Sendable {
        let fingerprint: String
        let serialNumber: [UInt8]
        let issuer: [UInt8]?

        /// The certificate as the broker checks it, with its issuer only when `revocations`
        /// lists its serial number.
        func presented(revocations: RevokedCertificates) -> PresentedCertificate {
            PresentedCertificate(fingerprint: fingerprint, serialNumber: serialNumber,
                                 issuer: revocations.lists(serialNumber: serialNumber) ? issuer : nil)
        }
    }

    private let entries = Locked([ObjectIdentifier: Entry]())

    public init() {}

    /// A handler to add just after the TLS handler of each new connection: it records the
    /// peer's certificate once the handshake completes, until the connection closes.
    public func recorder() -> any ChannelHandler {
        Recorder(certificates: self)
    }

    /// The certificate `connection` presented, with its issuer only when `revocations` lists
    /// its serial number; nil when the connection is not recorded (it has closed, or came
    /// through a listener without the recorder): the request is then refused as presenting none.
    func presented(on connection: any Channel, revocations: RevokedCertificates) -> PresentedCertificate? {
        entries.withLock { $0[ObjectIdentifier(connection)] }?.presented(revocations: revocations)
    }

    /// How many connections are recorded now.
    public var count: Int {
        entries.withLock { $0.count }
    }

    /// The certificate's lowercase hex SHA-256 of its DER, serial number and issuer.
    fileprivate static func entry(_ certificate: NIOSSLCertificate) -> Entry? {
        guard let der = try? certificate.toDERBytes() else { return nil }
        return Entry(fingerprint: Hex.encode(SHA256.hash(data: der)), serialNumber: certificate.serialNumber, issuer: issuer(der))
    }

    /// The DER of the certificate's issuer name, in an array of its own size: it is kept for
    /// the connection's life, and the serializer's array has room for 1 KiB.
    private static func issuer(_ der: [UInt8]) -> [UInt8]? {
        guard let certificate = try? Certificate(derEncoded: der) else { return nil }
        var serializer = DER.Serializer()
        guard (try? serializer.serialize(certificate.issuer)) != nil else { return nil }
        var issuer: [UInt8] = []
        issuer.reserveCapacity(serializer.serializedBytes.count)
        issuer.append(contentsOf: serializer.serializedBytes)
        return issuer
    }

    fileprivate func record(_ entry: Entry, for connection: any Channel) {
        let key = ObjectIdentifier(connection)
        entries.withLock { $0[key] = entry }
        connection.closeFuture.whenComplete { [self] _ in
            entries.withLock { _ = $0.removeValue(forKey: key) }
        }
    }
}

/// Records the peer's certificate when the handshake completes, then leaves the pipeline.
private final class Recorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    let certificates: ConnectionCertificates

    init(certificates: ConnectionCertificates) {
        self.certificates = certificates
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            if let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate(),
               let entry = ConnectionCertificates.entry(certificate) {
                certificates.record(entry, for: context.channel)
            }
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
