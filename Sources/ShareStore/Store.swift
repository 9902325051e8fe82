public import Foundation
public import ShareModel

/// Durable storage for messages, deliveries and the event record.
///
/// Every method that changes state commits before it returns: when it returns, the change
/// and the events recording it are on disk together, or neither is.
public protocol Store: Sendable {
    /// Stores messages, each with its deliveries and its events, in one transaction, in order,
    /// and answers one outcome per message. A message whose id exists with the same digest is
    /// `.replayed` with the first receipt and nothing of it is stored; with another digest,
    /// `.conflict`. Throws `StoreError`, having stored none of them, if the store cannot write.
    func publish(_ messages: [NewMessage]) async throws -> [PublishOutcome]

    /// The first receipt of the stored message with this id, if its bytes have this digest
    /// (an identical resend); nil if no message has the id or its bytes differ.
    func replayedReceipt(of id: UUID, digest: Data) async throws -> PublishReceipt?

    /// Hands out up to `limit` of the agency's deliveries that are not acknowledged, not expired
    /// at `now`, not dead-lettered, handed out fewer than `maxAttempts` times, and visible (never
    /// fetched, or last fetched before its visibility ran out). Each is hidden until
    /// `now + visibilityTimeout`, its attempt is counted, and a `delivered` event is recorded,
    /// all in one transaction.
    func fetchInbox(for agency: AgencyID, limit: Int, now: Date, visibilityTimeout: TimeInterval, maxAttempts: Int) async throws -> [InboxDelivery]

    /// Hands out up to `limit` of the agency's deliveries with a `sequence` after `sequence`
    /// that are not acknowledged, not expired at `now` and not dead-lettered, in sequence order:
    /// those visible and handed out fewer than `maxAttempts` times count as delivered exactly
    /// as an inbox fetch does (hidden until `now + visibilityTimeout`, attempt counted); those
    /// still hidden from their last hand-out (the stream reconnected) are handed out again
    /// under the same attempt, their visibility unchanged, so that an attempt is counted at
    /// most once per visibility period. Each gets a `delivered` event; one transaction.
    func streamDeliveries(for agency: AgencyID, after sequence: Int, limit: Int, now: Date,
                          visibilityTimeout: TimeInterval, maxAttempts: Int) async throws -> [InboxDelivery]

    /// Reads, without changing anything, up to `limit` of the deliveries `streamDeliveries`
    /// would consider, in sequence order, each marked with whether the hand-out made as it was
    /// published (`NewDelivery.handedOutUntil`) still stands at `now`.
    func streamCandidates(for agency: AgencyID, after sequence: Int, limit: Int, now: Date,
                          maxAttempts: Int) async throws -> [StreamCandidate]

    /// Acknowledges deliveries on behalf of their recipient, recording an `acknowledged` event
    /// for each first acknowledgement, all in one transaction. Returns one acknowledgement per
    /// id addressed to `agency`, in the order given; other ids are left out. Acknowledging
    /// twice is harmless (the first time is reported).
    func acknowledge(deliveries ids: [UUID], by agency: AgencyID, at time: Date) async throws -> [Acknowledgement]

    /// Whether `agency` sent the message or was one of its recipients.
    func isParty(to messageID: UUID, agency: AgencyID) async throws -> Bool

    /// The message, if `agency` sent it or it was handed out to `agency` at least once, with
    /// a `retrieved` event recording that the agency read it again, in one transaction; nil
    /// (and nothing recorded) for anyone else.
    func retrieve(message id: UUID, by agency: AgencyID, at time: Date) async throws -> RetrievedMessage?

    /// The message and its deliveries, if `sender` sent it; nil otherwise.
    func messageStatus(id: UUID, sender: AgencyID, now: Date) async throws -> MessageStatus?

    /// Appends events that record a change made outside the store (such as a suspension), and
    /// indexes the subject tokens any of them carries (a refused message's), in one transaction.
    func record(_ events: [EventRecord]) async throws

    /// Stores a subscription and the event recording it, in one transaction.
    func addSubscription(_ subscription: Subscription, event: EventRecord) async throws

    /// Removes the agency's subscription and records `event`, in one transaction; false (and
    /// nothing recorded) when the agency has no subscription with that id.
    func removeSubscription(id: UUID, agency: AgencyID, event: EventRecord) async throws -> Bool

    /// Every subscription of every agency, oldest first.
    func subscriptions() async throws -> [Subscription]

    /// Sets (or with nil removes) the agency's webhook endpoint and records `event`, in one transaction.
    func setWebhook(_ url: String?, for agency: AgencyID, at time: Date, event: EventRecord) async throws

    /// Every registered webhook endpoint, by agency.
    func webhooks() async throws -> [AgencyID: String]

    /// Hides an unacknowledged delivery until `time` (a webhook retry's backoff).
    func deferDelivery(_ id: UUID, until time: Date) async throws

    /// Up to `limit` of each kind of timer work due at `now` (see `DueWork`).
    func dueWork(now: Date, maxAttempts: Int, limit: Int) async throws -> DueWork

    /// Handles an expired message in one transaction: dead-letters its unacknowledged
    /// deliveries, records `events`, stores `notice` (the delivery-failed message, if any) with
    /// its deliveries and events, and marks the expiry handled.
    func settleExpiry(of messageID: UUID, at time: Date, events: [EventRecord], notice: NewMessage?) async throws

    /// Handles a request's deadline in one transaction: stores `notice` (if any agency has not
    /// answered) and marks the deadline handled.
    func settleDeadline(of messageID: UUID, at time: Date, notice: NewMessage?) async throws

    /// Dead-letters deliveries (of one message) that used up their attempts, records `events`
    /// and stores `notice` (the delivery-failed message, if any) with its deliveries and
    /// events, in one transaction. If any of them was acknowledged or dead-lettered meanwhile,
    /// changes nothing and returns false (the caller looks again).
    func deadLetter(deliveries ids: [UUID], at time: Date, events: [EventRecord], notice: NewMessage?) async throws -> Bool

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
    /// Stores one message (see `publish(_:)` for several).
    public func publish(_ message: NewMessage) async throws -> PublishOutcome {
        try await publish([message])[0]
    }

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
