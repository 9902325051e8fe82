import ShareStore

extension Broker {
    /// Applies what other broker processes sharing the store announce (see `Store.changes()`)
    /// until the store stops announcing or the task is cancelled: new deliveries wake this
    /// process's streams and long polls for their agencies, and a changed subscription or
    /// webhook makes it reread them on next use.
    public func followStoreChanges() async {
        for await change in store.changes() {
            apply(change)
        }
    }

    /// Applies one announced change.
    func apply(_ change: StoreChange) {
        switch change {
        case .deliveries(let agencies):
            notifier.signal(agencies)
        case .subscriptions:
            subscriptionCache.forget()
        case .webhooks:
            webhookCache.forget()
        case .unknown:
            subscriptionCache.forget()
            webhookCache.forget()
            notifier.signal(Array(directory.agencies.keys))
        }
    }
}
