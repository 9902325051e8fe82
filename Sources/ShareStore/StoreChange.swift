public import ShareModel

/// A change committed to a store by a broker process, as the other processes sharing that
/// store learn of it (see `Store.changes()`), so that they wake their waiting streams and
/// long polls and reread what they keep in memory.
public enum StoreChange: Sendable, Equatable {
    /// New deliveries were committed for these agencies.
    case deliveries([AgencyID])
    /// A subscription was added or removed.
    case subscriptions
    /// A webhook endpoint was set or removed.
    case webhooks
    /// A node's delivery streams opened for an agency with none there before, or closed for
    /// the last time (`Store.holdStreamPresence`): every node rereads who streams where.
    case streamPresence
    /// A node reloaded its configuration (agency directory, sharing policy): every node
    /// reloads its own copy, so that a suspension takes effect on all of them at once.
    case configuration
    /// Some changes may have been missed (the feed was interrupted and is back): anything may
    /// have changed, and everything kept in memory is to be reread.
    case unknown
}
