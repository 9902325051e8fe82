import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Why one broker URL gave no answer, in words for a person, and whether the request can
/// have reached the broker.
struct ConnectionFailure: Sendable {
    enum Kind: Sendable {
        /// No connection was made (refused, unreachable, unresolved, timed out, or the TLS
        /// handshake failed): the broker never saw the request.
        case notConnected
        /// The connection broke, or no answer came in time, after the request may have been
        /// sent: the broker may have acted on it.
        case lost
        /// The caller cancelled the request (its task was cancelled).
        case cancelled
    }

    let kind: Kind
    /// What went wrong, such as "cannot connect: Connection refused".
    let summary: String

    init(_ error: any Error) {
        switch error {
        case let error as NIOConnectionError:
            kind = .notConnected
            summary = Self.summary(of: error)
        case let error as HTTPClientError:
            (kind, summary) = Self.classify(error)
        case NIOSSLError.handshakeFailed(let reason):
            kind = .notConnected
            summary = "the TLS handshake failed (\(reason)); check the CA file, the client certificate and the URL's host"
        case let error as NIOSSLExtraError:
            kind = .notConnected
            summary = "the TLS handshake failed (\(error))"
        case is CancellationError:
            kind = .cancelled
            summary = "cancelled"
        case let error as IOError where Self.connectErrors.contains(error.errnoCode):
            kind = .notConnected
            summary = "cannot connect: \(Self.text(errno: error.errnoCode))"
        case let error as IOError:
            kind = .lost
            summary = "the connection broke: \(Self.text(errno: error.errnoCode))"
        case NIOSSLError.uncleanShutdown:
            kind = .lost
            summary = "the connection was closed before the answer"
        default:
            kind = .lost
            summary = "\(error)"
        }
    }

    private static func classify(_ error: HTTPClientError) -> (Kind, String) {
        switch error {
        case .connectTimeout: (.notConnected, "no connection within the connect timeout")
        case .tlsHandshakeTimeout: (.notConnected, "the TLS handshake timed out")
        case .getConnectionFromPoolTimeout: (.notConnected, "no connection became free in time")
        case .remoteConnectionClosed: (.lost, "the connection was closed before the answer")
        case .readTimeout, .deadlineExceeded: (.lost, "no answer in time")
        case .cancelled where Task.isCancelled: (.cancelled, "cancelled")
        // AsyncHTTPClient also answers `cancelled` when the connection it chose for the request
        // was closing (an HTTP/2 connection to a node that has just died): the caller did not
        // cancel, and the request may or may not have been sent.
        case .cancelled: (.lost, "the connection closed as the request was sent")
        default: (.lost, "\(error)")
        }
    }

    private static func summary(of error: NIOConnectionError) -> String {
        if error.dnsAError != nil || error.dnsAAAAError != nil {
            return "cannot resolve the host name \(error.host)"
        }
        let reasons = error.connectionErrors.map { failure in
            (failure.error as? IOError).map { text(errno: $0.errnoCode) } ?? "\(failure.error)"
        }
        return "cannot connect: " + (reasons.isEmpty ? "no address to connect to" : Set(reasons).sorted().joined(separator: "; "))
    }

    /// The `errno` values of a `connect` that failed: refused, or no route to the host.
    private static let connectErrors: Set<CInt> = [ECONNREFUSED, EHOSTUNREACH, ENETUNREACH]

    private static func text(errno code: CInt) -> String {
        String(cString: strerror(code))
    }
}
