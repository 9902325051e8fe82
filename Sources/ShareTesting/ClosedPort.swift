public import Foundation
import NIOCore
import NIOPosix

/// An address on 127.0.0.1 where nothing listens, for tests of clients that must move on:
/// a port the system has just handed out and that is closed again at once.
public enum ClosedPort {
    /// `https://127.0.0.1:PORT` for a port that refuses connections.
    public static func url() async throws -> URL {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            throw TestBrokerError(reason: "the listener bound for a closed port has no port")
        }
        try await channel.close()
        return URL(string: "https://127.0.0.1:\(port)")!
    }
}
