public import ShareModel

/// A change committed to a store by a broker process, as the other processes sharing that
/// store learn of it (see `Store.changes()`), so that they wake their waiting streams and
/// long polls and reread what they keep in memory.
public enum StoreChange: Sendable, Equatable {
    /// New deliveries were committed for these agencies; `placed` are those of them handed out
    /// to their recipients' streams as they were published, each placed in its recipient's
    /// sequence (empty when the announcement could not carry them).
    case deliveries([AgencyID], placed: [PlacedHandOut] = [])
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

/// A delivery another process handed out to its recipient's streams in the transaction that
/// stored its message, placed in the recipient's sequence as `StreamHandOut` places it: a
/// stream that has sent every delivery of the recipient up to `previous` may send it next.
public struct PlacedHandOut: Sendable, Equatable {
    public let recipient: AgencyID
    public let sequence: Int
    public let previous: Int

    public init(recipient: AgencyID, sequence: Int, previous: Int) {
        self.recipient = recipient
        self.sequence = sequence
        self.previous = previous
    }
}
