import ShareStore

extension Broker {
    /// Applies what other broker processes sharing the store announce (see `Store.changes()`)
    /// until the store stops announcing or the task is cancelled: new deliveries wake this
    /// process's streams and long polls for their agencies, a changed subscription or webhook
    /// makes it reread them on next use, a change of stream presence makes it
    /// reread who streams where, and a node's reloaded configuration calls
    /// `reloadConfiguration` (the broker does not read files itself).
    public func followStoreChanges(reloadConfiguration: @escaping @Sendable () async -> Void) async {
        for await change in store.changes() {
            if change == .configuration {
                await reloadConfiguration()
            } else {
                apply(change)
            }
        }
    }

    /// Tells the other nodes sharing the store that this one reloaded its configuration.
    public func announceConfigurationReloaded() async throws {
        try await store.announce(.configuration)
    }

    /// Applies one announced change to what this process keeps in memory.
    func apply(_ change: StoreChange) {
        switch change {
        case .configuration:
            break
        case .deliveries(let agencies):
            notifier.signal(agencies)
        case .subscriptions:
            subscriptionCache.forget()
        case .webhooks:
            webhookCache.forget()
        case .streamPresence:
            streams.nudge()
        case .unknown:
            subscriptionCache.forget()
            webhookCache.forget()
            streams.nudge()
            notifier.signal(Array(directory.agencies.keys))
        }
    }
}
