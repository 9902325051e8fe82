public import Foundation
public import ShareModel

/// Durable storage for messages, deliveries and the event record.
///
/// Every method that changes state commits before it returns: when it returns, the change
/// and the events recording it are on disk together, or neither is.
public protocol Store: Sendable {
    /// Stores a message, its deliveries and its events in one transaction.
    /// If the id exists with the same digest, returns `.replayed` with the first receipt and stores
    /// nothing; with another digest, `.conflict`. Throws `StoreError` if the store cannot write.
    func publish(_ message: NewMessage) async throws -> PublishOutcome

    /// Hands out up to `limit` of the agency's deliveries that are not acknowledged, not expired
    /// at `now`, and visible (never fetched, or last fetched before its visibility ran out).
    /// Each is hidden until `now + visibilityTimeout`, its attempt is counted, and a `delivered`
    /// event is recorded, all in one transaction.
    func fetchInbox(for agency: AgencyID, limit: Int, now: Date, visibilityTimeout: TimeInterval) async throws -> [InboxDelivery]

    /// Hands out up to `limit` of the agency's deliveries with a `sequence` after `sequence`
    /// that are not acknowledged and not expired at `now`, visible or not, in sequence order.
    /// Each counts as delivered exactly as an inbox fetch does (hidden until
    /// `now + visibilityTimeout`, attempt counted, `delivered` event), in one transaction.
    func streamDeliveries(for agency: AgencyID, after sequence: Int, limit: Int, now: Date,
                          visibilityTimeout: TimeInterval) async throws -> [InboxDelivery]

    /// Acknowledges deliveries on behalf of their recipient, recording an `acknowledged` event
    /// for each first acknowledgement, all in one transaction. Returns one acknowledgement per
    /// id addressed to `agency`, in the order given; other ids are left out. Acknowledging
    /// twice is harmless (the first time is reported).
    func acknowledge(deliveries ids: [UUID], by agency: AgencyID, at time: Date) async throws -> [Acknowledgement]

    /// The message and its deliveries, if `sender` sent it; nil otherwise.
    func messageStatus(id: UUID, sender: AgencyID, now: Date) async throws -> MessageStatus?

    /// Appends events that record a change made outside the store (such as a suspension).
    func record(_ events: [EventRecord]) async throws

    /// Events in index order, starting at `index`.
    func events(from index: Int, limit: Int) async throws -> [StoredEvent]

    /// The exact bytes of entries in index order, starting at `index`: what the Merkle tree
    /// hashes, without decoding them.
    func entryBytes(from index: Int, limit: Int) async throws -> [(index: Int, entry: Data)]

    /// Events that match every condition of `filter`, in index order, at most `limit`.
    func events(matching filter: EventFilter, limit: Int) async throws -> [StoredEvent]

    /// Keeps a signed tree head (the broker's commitment to the log at that size).
    /// Saving a head for a size already kept is harmless; the first one stays.
    func saveTreeHead(_ head: SignedTreeHeadRecord) async throws

    /// Kept signed tree heads with `treeSize >= fromSize`, smallest first, at most `limit`.
    func treeHeads(fromSize: Int, limit: Int) async throws -> [SignedTreeHeadRecord]
}

extension Store {
    /// Acknowledges one delivery; nil when no such delivery is addressed to `agency`.
    public func acknowledge(delivery id: UUID, by agency: AgencyID, at time: Date) async throws -> Acknowledgement? {
        try await acknowledge(deliveries: [id], by: agency, at: time).first
    }
}

/// Why the store could not do what was asked. `description` never holds message content.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The store cannot write now (disk full, I/O error, read-only); nothing was changed.
        public static let unavailable = Code("store-unavailable")
        /// The store could not be opened or its schema is not one this version understands.
        public static let cannotOpen = Code("store-cannot-open")
        /// The store is shutting down.
        public static let closed = Code("store-closed")

        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
}
