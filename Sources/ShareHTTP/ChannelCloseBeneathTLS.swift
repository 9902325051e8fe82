import NIOCore
import NIOSSL

extension Channel {
    /// Closes an HTTP/1.1 connection at the TCP level, skipping its TLS handler: a TLS close
    /// waits for the client's close_notify (five seconds in NIOSSL), which a client that is not
    /// reading never sends. An HTTP/2 stream has no TLS handler of its own and is reset.
    func closeBeneathTLS() {
        eventLoop.execute {
            if let tls = try? self.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self) {
                tls.close(promise: nil)
            } else {
                self.close(promise: nil)
            }
        }
    }
}
