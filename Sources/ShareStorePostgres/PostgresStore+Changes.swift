import Logging
import PostgresNIO
import ShareLocking
public import ShareStore

extension PostgresStore {
    /// The changes every node of the cluster commits (this one's too, except its new
    /// deliveries, which the broker signalled as it stored them), from PostgreSQL notifications
    /// (`ChangeNotice`) on a connection of the pool kept for listening. It yields `.unknown` each
    /// time it starts listening: the first time, because what was committed while the
    /// connection was being opened was announced to no one here (a node reading the cluster's
    /// state as it starts may have read before such a change); again after a lost connection,
    /// listening on another a second later, because notices sent meanwhile are lost. So does a
    /// commit of this store's whose outcome it could not learn. Finishes when the store closes.
    public func changes() -> AsyncStream<StoreChange> {
        let (stream, continuation) = AsyncStream<StoreChange>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        ownFeeds.withLock { $0.append(continuation) }
        let listening = Task { [client, gate, logger, noticeSource] in
            while !Task.isCancelled && !gate.isClosed {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: ChangeNotice.channel) { notices in
                            continuation.yield(.unknown)
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
