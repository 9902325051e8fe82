import Logging
import PostgresNIO
import ShareLocking
public import ShareStore

extension PostgresStore {
    /// The changes every node of the cluster commits (this one's too, except its new
    /// deliveries, which the broker signalled as it stored them), from PostgreSQL notifications
    /// (`ChangeNotice`) on a connection of the pool kept for listening. When that connection is
    /// lost, it listens again on another, a second later, and then yields `.unknown`: notices
    /// sent meanwhile are lost. So does a commit of this store's whose outcome it could not
    /// learn. Finishes when the store closes.
    public func changes() -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream<StoreChange>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        ownFeeds.withLock { $0.append(continuation) }
        let listening = Task { [client, gate, logger, noticeSource] in
            var interrupted = false
            while !Task.isCancelled && !gate.isClosed {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: ChangeNotice.channel) { notices in
                            if interrupted { continuation.yield(.unknown) }
                            interrupted = true
                            for try await notice in notices {
                                guard let change = ChangeNotice.change(from: notice.payload, skipping: noticeSource) else { continue }
                                continuation.yield(change)
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled || gate.isClosed { break }
                    logger.warning("Lost the database connection that listens for other nodes' changes; listening again",
                                   metadata: ["share.reason": "\(PostgresFailure.storeError(error).reason)"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in listening.cancel() }
        changeListeners.add(listening)
        return stream
    }

    /// Sends the notice of `change` to every node listening (this one too).
    public func announce(_ change: StoreChange) async throws {
        try await select { [self] connection in
            try await ChangeNotice.send(change, on: connection, logger: logger)
        }
    }
}
