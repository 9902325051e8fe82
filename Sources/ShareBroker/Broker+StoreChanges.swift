import ShareLocking
import ShareModel
import ShareStore

extension Broker {
    /// Applies what other broker processes sharing the store announce (see `Store.changes()`)
    /// until the store stops announcing or the task is cancelled: new deliveries wake this
    /// process's streams and long polls for their agencies (those handed out at publish to
    /// agencies streaming here are read once for all their streams and pushed to them), a
    /// changed subscription or webhook makes it reread them on next use, a change of stream
    /// presence makes it reread who streams where, and a node's reloaded configuration calls
    /// `reloadConfiguration` (the broker does not read files itself).
    public func followStoreChanges(reloadConfiguration: @escaping @Sendable () async -> Void) async {
        let waiting = Locked<[AnnouncedDeliveries]>([])
        let (doorbell, ring) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            // One pusher, so that pushes reach the streams in commit order; it takes every
            // notice waiting at once, so a busy node reads many with one call.
            group.addTask {
                for await _ in doorbell {
                    let notices = waiting.withLock { waiting in
                        defer { waiting = [] }
                        return waiting
                    }
                    if !notices.isEmpty { await self.push(notices) }
                }
            }
            for await change in store.changes() {
                switch change {
                case .configuration:
                    await reloadConfiguration()
                case .deliveries(let agencies, let placed) where !placed.isEmpty:
                    waiting.withLock { $0.append(AnnouncedDeliveries(agencies: agencies, placed: placed)) }
                    ring.yield()
                default:
                    apply(change)
                }
            }
            ring.finish()
        }
    }

    /// Other processes' new deliveries, in commit order, some handed out to their recipients'
    /// streams as they were published: those for agencies with a stream here are read in one
    /// call and pushed to the streams, which send them without reading the store when they
    /// follow what each sent last (`DeliveryStream`). A stream reads the store when one it was
    /// signalled for is not pushed (no longer current, or the read failed).
    func push(_ notices: [AnnouncedDeliveries]) async {
        var signalled: [AgencyID] = []
        var placed: [PlacedHandOut] = []
        for notice in notices {
            let placedRecipients = Set(notice.placed.map(\.recipient))
            signalled += notice.agencies.filter { !placedRecipients.contains($0) } + notice.placed.map(\.recipient)
            placed += notice.placed
        }
        let streaming = placed.filter { notifier.hasMailboxes(for: $0.recipient) }
        guard !streaming.isEmpty else { return notifier.signal(signalled) }
        let places = Dictionary(streaming.map { ($0.sequence, $0) }, uniquingKeysWith: { first, _ in first })
        do {
            let read = try await store.handedOutAtPublish(sequences: streaming.map(\.sequence), now: clock.now())
            let pushed = read.compactMap { handOut -> PushedDelivery? in
                guard let place = places[handOut.delivery.sequence], place.recipient == handOut.recipient else { return nil }
                return PushedDelivery(recipient: place.recipient, delivery: handOut.delivery, previous: place.previous,
                                      hiddenUntil: handOut.hiddenUntil)
            }
            notifier.signal(signalled, pushed: pushed)
        } catch {
            notifier.signal(signalled)
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
        case .deliveries(let agencies, _):
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

/// A notice of another process's new deliveries (`StoreChange.deliveries`) with hand-outs at
/// publish, waiting to be pushed to this process's streams.
struct AnnouncedDeliveries: Sendable {
    let agencies: [AgencyID]
    let placed: [PlacedHandOut]
}
