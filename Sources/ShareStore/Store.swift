public import Foundation
public import ServiceLifecycle
public import ShareAudit
public import ShareModel

/// Durable storage for messages, deliveries and the event record: all the state the broker
/// keeps, so that a restart loses nothing.
///
/// ## The contract
///
/// Every store keeps these promises, and the requirements below say what each call does.
/// `ShareStoreConformance` checks them all, written once against `any Store`; a new store is
/// added to the list of stores that suite runs against.
///
/// - **Durable and atomic.** A call that changes state commits before it returns: the change
///   and the events recording it are stored together, or neither is. A call that throws has
///   stored nothing of itself; a call that returns has stored all of itself, whichever
///   other calls failed meanwhile.
/// - **Safe under concurrency.** Any number of tasks may call at once. Each call takes effect
///   as if it were alone, and a read sees every change whose call returned before the read started.
/// - **One record, in commit order.** Events are appended at the end of one record, indexed
///   from 0 with no gaps and in commit order: an entry committed after another has a higher
///   index. A reader that has read up to index `n` finds `n + 1` next, never an entry at a
///   lower index later. Each entry is appended exactly once and never changed; its stored
///   bytes are its `entryBytes()`. A call's own events are contiguous, in the order given.
/// - **Delivery sequences in commit order.** `InboxDelivery.sequence` grows in the order
///   deliveries are committed and is never reused, so a stream that resumes after the last
///   sequence it sent never skips a delivery.
/// - **Exclusive hand-out.** A delivery handed out (by `fetchInbox`, by `streamDeliveries`
///   with an attempt counted, or to streams as it is published) is hidden from `fetchInbox`
///   until its visibility period ends: two fetches for one agency, however concurrent, never
///   hand out the same delivery in one visibility period. Only an agency's streams get a
///   hidden delivery again, under the same attempt (see `streamDeliveries`).
/// - **Ids are unique.** Message ids are one namespace (`publish` answers a replay or a
///   conflict); a call that would store a delivery id, a notice's message id or a
///   subscription id that is already stored throws, having stored nothing.
/// - **The stored tree follows the record.** The hashes of the Merkle tree's complete subtrees
///   are kept beside the record in blocks of eight (`SubtreeBlock`), written by the broker
///   (`saveSubtreeBlocks`) from the entries it read. They cover entries `[0, storedTreeSize())`
///   with no gap, and a stored hash is never changed (a block is only extended), so any
///   process reads the same tree (see `AuditLog`).
/// - **Stream presence is a lease on the store's clock.** Which agencies stream on the other
///   broker processes is what the store records of them (`holdStreamPresence`); the broker
///   decides who is streaming in one place (`StreamRegistry`: its own open streams, and the
///   others' presence). It is a hint, never needed for a delivery to arrive (see
///   `holdStreamPresence`), so a store may answer it a moment late; a lease ends by the
///   store's clock, not a node's.
/// - **Times** are kept to the millisecond. A bound is reached when `now` equals it: a message
///   is expired when `expiresAt <= now`, and a delivery hidden until a time is visible at it.
///
/// A store is a `Service` (as Hummingbird's `PersistDriver` is): run in a service group, it
/// stays open until the group's graceful shutdown and then closes, after the services
/// started after it have stopped.
public protocol Store: Service {
    /// Stores messages, each with its deliveries and its events, in one transaction, in the
    /// order given, and answers one outcome per message, in that order:
    /// - `.stored`: the message is new. Its receipt lists its deliveries' recipients in order
    ///   and the `dueBy` of those that have one, and its `auditIndex` is the index of its first
    ///   event (the `published` event). The
    ///   subject tokens of that event are indexed for `events(matching:)`. A delivery with a
    ///   `handedOutUntil` is stored as handed out at `receivedAt` (attempt 1, hidden until then).
    ///   The outcome reports, for each such delivery, its sequence and the sequence of the
    ///   recipient's latest delivery before it not acknowledged when it committed
    ///   (`StreamHandOut`), so that the broker can pass it to its own streams without their
    ///   reading it back. Both must be exact, whatever other process shares the store.
    /// - `.replayed`: a message with this id and the same digest is stored (perhaps earlier in
    ///   this batch); answered with its first receipt, and nothing of this one is stored.
    /// - `.conflict`: the id is taken by a message with another digest; nothing is stored.
    /// - `.attachmentsMissing`: the message is new but references attachments its sender does
    ///   not hold (removed since the broker checked); nothing of it is stored. The check and the
    ///   message's references are made under the attachments' row locks, so a removal
    ///   (`purge`, `removeUnreferencedAttachments`) either sees the reference and keeps the
    ///   attachment, or removes it first and the publish answers this.
    ///
    /// Throws, having stored none of the messages, if the store cannot write
    /// (`StoreError.unavailable`) or a delivery id is taken.
    func publish(_ messages: [NewMessage]) async throws -> [PublishOutcome]

    /// The first receipt of the stored message with this id, if its bytes have this digest
    /// (an identical resend); nil if no message has the id or its bytes differ.
    func replayedReceipt(of id: UUID, digest: Data) async throws -> PublishReceipt?

    /// Hands out, in sequence order, up to `limit` of the agency's deliveries that are not
    /// acknowledged, not expired at `now`, not dead-lettered, handed out fewer than
    /// `maxAttempts` times, and visible (never handed out, or `now` has reached the end of the
    /// last visibility period or of a `deferDelivery`). Each is hidden until
    /// `now + visibilityTimeout`, its attempt is counted (`attempt` is the number of hand-outs,
    /// this one included; `deliveredAt` is `now`), and a `delivered` event records it, all in
    /// one transaction. Concurrent fetches never hand out the same delivery (see the contract).
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

    /// Records that the broker process `node` has delivery streams open for `agencies` (none:
    /// it has none open), replacing what it recorded before, for `lease` seconds from now as
    /// the store's clock tells (for a shared store, the database server's, so that the nodes'
    /// own clocks do not matter): a process that dies without recording again is counted out
    /// once its lease ends. Announces `.streamPresence` through `changes()` when the agencies
    /// differ from those of its presence still in force; a renewal announces nothing. Records
    /// no event. Only ever a shortcut: a broker that hands a delivery out at publish to an
    /// agency with no stream left (`NewDelivery.handedOutUntil`) has it handed out again
    /// once its visibility period ends, and one that does not leaves it to the stream's own
    /// hand-out (`streamDeliveries`).
    func holdStreamPresence(node: UUID, agencies: Set<AgencyID>, lease: TimeInterval) async throws

    /// The agencies with delivery streams open on broker processes other than `node`, as
    /// their presence in force now records (`holdStreamPresence`), each with how many seconds
    /// the longest of those leases still runs. A store only one process opens (SQLite) keeps
    /// presence in that process's memory, where a restart rightly forgets it.
    func streamPresence(otherThan node: UUID) async throws -> [AgencyID: TimeInterval]

    /// Reads, without changing or recording anything, for each of `streams` the deliveries
    /// `streamDeliveries` would hand out to its agency after its sequence at `now` (the same
    /// ones, in the same order, at most `limit`): one list per stream, in the order given, all
    /// read in one round trip, so that a process waking many streams at once reads once. A
    /// candidate is `handedOutAtPublish` while the hand-out made as it was published
    /// (`NewDelivery.handedOutUntil`) is still its latest and still hides it at `now`; its
    /// `attempt` and `deliveredAt` are then that hand-out's. Any other candidate must be handed
    /// out with `streamDeliveries` before it is sent; its `attempt` is the count so far.
    func streamCandidates(for streams: [StreamCursor], limit: Int, now: Date,
                          maxAttempts: Int) async throws -> [[StreamCandidate]]

    /// Acknowledges deliveries on behalf of their recipient, recording an `acknowledged` event
    /// for each first acknowledgement, all in one transaction. Returns one acknowledgement per
    /// id addressed to `agency`, in the order given; other ids (unknown, or another agency's)
    /// are left out and left alone. Acknowledging again is harmless: it reports the first
    /// time (`isFirst` false, the first `acknowledgedAt`) and records nothing. An acknowledged
    /// delivery is never handed out, expired or dead-lettered afterwards.
    func acknowledge(deliveries ids: [UUID], by agency: AgencyID, at time: Date) async throws -> [Acknowledgement]

    /// Whether `agency` sent the message or a delivery of it is addressed to `agency` (handed
    /// out or not); false for an unknown id.
    func isParty(to messageID: UUID, agency: AgencyID) async throws -> Bool

    /// The message, if `agency` sent it or it was handed out to `agency` at least once, with
    /// a `retrieved` event recording that the agency read it again (naming the agency's
    /// delivery, if it is a recipient), in one transaction; nil (and nothing recorded) for
    /// anyone else or an unknown id.
    func retrieve(message id: UUID, by agency: AgencyID, at time: Date) async throws -> RetrievedMessage?

    /// The stored messages with these ids, in the order given, unknown ids left out, read
    /// without recording anything: for the broker's own reading of records (such as the
    /// child-protection flags it answers queries from), never for handing a message to an
    /// agency (`retrieve` does that, and records it).
    func storedMessages(_ ids: [UUID]) async throws -> [RetrievedMessage]

    /// The message and its deliveries in the order they were created, if `sender` sent it;
    /// nil for anyone else or an unknown id. Read at one instant. A delivery's state at `now`
    /// is `acknowledged` once acknowledged; otherwise `expired` once the message's
    /// `expiresAt <= now`; otherwise `deadLettered` once dead-lettered; otherwise `delivered`
    /// once handed out; otherwise `pending`. `answers` are the stored messages whose
    /// `inReplyTo` is this message, oldest first.
    func messageStatus(id: UUID, sender: AgencyID, now: Date) async throws -> MessageStatus?

    /// Appends events that record a change made outside the store (such as a suspension), in
    /// order, and indexes the subject tokens any of them carries for its `messageID` (a refused
    /// message's), in one transaction.
    func record(_ events: [EventRecord]) async throws

    /// Stores a subscription and the event recording it, in one transaction.
    func addSubscription(_ subscription: Subscription, event: EventRecord) async throws

    /// Removes the agency's subscription and records `event`, in one transaction; false (and
    /// nothing recorded) when the agency has no subscription with that id.
    func removeSubscription(id: UUID, agency: AgencyID, event: EventRecord) async throws -> Bool

    /// Every subscription of every agency, in the order they were added.
    func subscriptions() async throws -> [Subscription]

    /// Sets (replacing any earlier one) or, with nil, removes the agency's webhook endpoint,
    /// and records `event` either way, in one transaction.
    func setWebhook(_ url: String?, for agency: AgencyID, at time: Date, event: EventRecord) async throws

    /// Every registered webhook endpoint, by agency.
    func webhooks() async throws -> [AgencyID: String]

    /// Hides an unacknowledged delivery until `time` (a webhook retry's backoff), without
    /// counting an attempt: `fetchInbox` does not hand it out, nor do the timers find it
    /// exhausted, before then. An unknown or acknowledged delivery is left alone.
    func deferDelivery(_ id: UUID, until time: Date) async throws

    /// Up to `limit` of each kind of timer work due at `now`, read at one instant:
    /// - `expired`: messages with `expiresAt <= now` whose expiry is not settled, earliest
    ///   first, each with every delivery neither acknowledged nor dead-lettered (one that
    ///   used up its attempts was reported then, and is not reported again);
    /// - `overdue`: requests with `respondBy <= now` whose deadline is not settled, earliest
    ///   first, with every recipient and each agency that has sent an answer;
    /// - `exhausted`: deliveries not acknowledged nor dead-lettered, handed out `maxAttempts`
    ///   times or more and visible again at `now`, those visible longest first;
    /// - `pastDue`: deliveries not acknowledged with `dueBy <= now` whose deadline is not
    ///   settled, earliest `dueBy` first (dead-lettered ones too: they were not acknowledged in time).
    func dueWork(now: Date, maxAttempts: Int, limit: Int) async throws -> DueWork

    /// Handles an expired message in one transaction: dead-letters its deliveries not
    /// acknowledged nor dead-lettered, records `events`, stores `notice` (the delivery-failed
    /// message, if any) with its deliveries and events, and marks the expiry settled. Safe to
    /// call twice: when the expiry is settled already (or no message has the id) it changes
    /// and records nothing.
    func settleExpiry(of messageID: UUID, at time: Date, events: [EventRecord], notice: NewMessage?) async throws

    /// Handles a request's deadline in one transaction: stores `notice` (if any agency has not
    /// answered) and marks the deadline settled. Safe to call twice: when the deadline is
    /// settled already (or no message has the id) it changes nothing.
    func settleDeadline(of messageID: UUID, at time: Date, notice: NewMessage?) async throws

    /// Dead-letters deliveries (of one message) that used up their attempts, records `events`
    /// and stores `notice` (the delivery-failed message, if any) with its deliveries and
    /// events, in one transaction, and returns true. If any of them is unknown, or was
    /// acknowledged or dead-lettered meanwhile, changes nothing and returns false (the caller
    /// looks again): safe to call twice. A dead-lettered delivery is never handed out again.
    func deadLetter(deliveries ids: [UUID], at time: Date, events: [EventRecord], notice: NewMessage?) async throws -> Bool

    /// Settles the deadlines of deliveries (of one message) not acknowledged by their `dueBy`:
    /// marks each settled and stores `notice` (the delivery-overdue message) with its deliveries
    /// and events, in one transaction, and returns true. If any of them is unknown, was
    /// acknowledged or had its deadline settled meanwhile, changes nothing and returns false
    /// (the caller looks again): so the notice is stored once, however many nodes try.
    func settlePastDue(deliveries ids: [UUID], at time: Date, notice: NewMessage) async throws -> Bool

    /// How many deliveries are neither acknowledged nor dead-lettered (settling an expired
    /// message dead-letters its unacknowledged deliveries), for the metrics. Its cost grows
    /// with that backlog, so the readiness check does not ask it (`probe()`).
    func unsettledDeliveryCount() async throws -> Int

    /// The readiness check's read: one row, at a cost that does not grow with what the store
    /// holds, so that a large backlog never makes a broker look unready. Throws
    /// `StoreError.outdated` when this process can no longer write to the store.
    func probe() async throws

    /// Up to `limit` messages whose retention may have ended, oldest audit index first: of a
    /// type in `cutoffs`, with content not yet destroyed, settled at or before the type's cutoff
    /// (every delivery acknowledged or dead-lettered, the last of them then; with no
    /// deliveries, received then), their request deadline and their deliveries' deadlines
    /// settled, and no subject token of theirs under a legal hold. Read without changing anything.
    func retentionDue(cutoffs: [String: Date], limit: Int) async throws -> [RetentionCandidate]

    /// Destroys a message's content (its stored body is emptied; a sealed body takes its data
    /// key with it; each attachment it references that no other message of its sender still
    /// holding its content references is removed, chunks and all) and records `event`, in one transaction, if the message is still one
    /// `retentionDue` would find with this `cutoff`; returns whether it did. Safe to call twice
    /// and on several nodes at once: one destroys and records, the others change nothing.
    /// Afterwards `retrieve` answers the message with `purgedAt` and no bytes (recording
    /// nothing), and `storedMessages` leaves it out; its deliveries, status and entries stay.
    func purge(message id: UUID, cutoff: Date, at time: Date, event: EventRecord) async throws -> Bool

    /// Places (`held`) or lifts a legal hold on a subject token and records `event` (indexing its
    /// `subjects` for its `messageID`, as `record` does), in one transaction; returns false,
    /// recording nothing, when the hold was already so.
    func setLegalHold(_ held: Bool, on token: String, at time: Date, event: EventRecord) async throws -> Bool

    /// Every legal hold in force, oldest first.
    func legalHolds() async throws -> [LegalHold]

    /// Up to `limit` stored messages' bodies (the `jws` bytes as stored, sealed or not) in
    /// audit-index order, from the message whose `published` event is at `index` on: what
    /// `sharebroker rewrap` walks through. A body destroyed by retention is empty.
    func storedBodies(fromAuditIndex index: Int, limit: Int) async throws -> [StoredBody]

    /// Replaces a message's stored body with `new` if it is still `old`, and returns whether it
    /// did; nothing is recorded (the message's bytes, as its digest names them, are unchanged).
    /// A purge or another replacement in between wins: false, and nothing changed.
    func replaceBody(of id: UUID, old: Data, new: Data) async throws -> Bool

    /// Stores one chunk (`index` from 0) of an attachment being uploaded under the id `upload`,
    /// committed on its own, so that an upload is never held whole in memory. Chunks belong to
    /// no one until `completeAttachment` names them; those of an upload never completed are
    /// removed by `discardAttachmentUpload` or, once older than its cutoff, by
    /// `removeUnreferencedAttachments`. Storing a chunk again replaces it.
    func saveAttachmentChunk(upload: UUID, index: Int, bytes: ChunkBytes, at time: Date) async throws

    /// Records a complete upload (its chunks `0..<chunks` stored) as its uploader's attachment
    /// with this digest, and `event` (its `attachment-uploaded` entry), in one transaction, and
    /// returns it. When the uploader holds an attachment with this digest already, that one is
    /// returned, this upload's chunks are removed and nothing is recorded: uploading again is
    /// harmless, however many nodes do it at once.
    func completeAttachment(_ attachment: NewAttachment, event: EventRecord) async throws -> StoredAttachment

    /// Removes the chunks of an upload that was not completed (its content did not match its
    /// digest, was too large, or the client went away); a completed upload is left alone.
    func discardAttachmentUpload(_ upload: UUID) async throws

    /// The uploader's attachments with these digests, those it holds, in no set order.
    func attachments(_ digests: [AttachmentDigest], uploader: AgencyID) async throws -> [StoredAttachment]

    /// The attachment with this digest that message `id` references (its sender's upload),
    /// if `agency` sent the message or the message was handed out to it at least once, the
    /// message's content is not destroyed, and the attachment is still held; with an
    /// `attachment-retrieved` event recording who read it (naming the agency's delivery, if it
    /// is a recipient), in one transaction. Nil, recording nothing, for anything else.
    func retrieveAttachment(_ digest: AttachmentDigest, message id: UUID, by agency: AgencyID, at time: Date) async throws -> StoredAttachment?

    /// One chunk of an upload as stored (with whether it is sealed); nil when it is not (or no longer) held.
    func attachmentChunk(upload: UUID, index: Int) async throws -> ChunkBytes?

    /// Up to `limit` stored attachment chunks (their bytes as stored, sealed or not) in the order
    /// of (upload, index), from the one after `position` on (from the first, for nil): what
    /// `sharebroker rewrap` walks through. Chunks of uploads not completed are included.
    func storedChunks(after position: ChunkPosition?, limit: Int) async throws -> [StoredChunk]

    /// Replaces a chunk's stored bytes with `new`, sealed, if they are still `old`, and returns
    /// whether it did; nothing is recorded. A removal or another replacement in between wins.
    func replaceChunk(at position: ChunkPosition, old: Data, new: Data) async throws -> Bool

    /// Removes up to `limit` attachments uploaded at or before `cutoff` that no message has
    /// ever referenced, and the chunks of uploads never completed that were written at or
    /// before it; returns how many attachments it removed. Attachments a message referenced
    /// are removed with the content of the last message still holding it (`purge`).
    func removeUnreferencedAttachments(uploadedBefore cutoff: Date, limit: Int) async throws -> Int

    /// Up to `limit` events in index order, starting at `index`.
    func events(from index: Int, limit: Int) async throws -> [StoredEvent]

    /// The exact bytes of up to `limit` entries in index order, starting at `index`: what the
    /// Merkle tree hashes, without decoding them.
    func entryBytes(from index: Int, limit: Int) async throws -> [(index: Int, entry: Data)]

    /// Events that match every condition of `filter` (see `EventFilter`), in index order, at
    /// most `limit`.
    func events(matching filter: EventFilter, limit: Int) async throws -> [StoredEvent]

    /// How many leaves the stored Merkle tree holds: the stored blocks cover entries
    /// `[0, storedTreeSize())`, never more than the record. It is the leaves the last block of
    /// band 0 ends with.
    func storedTreeSize() async throws -> Int

    /// These stored blocks, as stored now; one not stored is left out.
    func subtreeBlocks(_ ids: [SubtreeBlockID]) async throws -> [SubtreeBlockID: SubtreeBlock]

    /// Stores blocks (each at most once) in one transaction, so that a process that dies
    /// leaves no gap. The caller extends the stored tree from its end (every leaf below those
    /// the blocks add is stored already). A block stored already is only extended: a copy
    /// that holds more hashes and begins with the stored ones replaces it, any other copy
    /// leaves it as it is, so processes storing the same blocks at once are harmless to each other.
    func saveSubtreeBlocks(_ blocks: [SubtreeBlock]) async throws

    /// Keeps a signed tree head (the broker's commitment to the log at that size).
    /// Saving a head for a size already kept is harmless; the first one stays.
    func saveTreeHead(_ head: SignedTreeHeadRecord) async throws

    /// Kept signed tree heads with `treeSize >= fromSize`, smallest first, at most `limit`.
    func treeHeads(fromSize: Int, limit: Int) async throws -> [SignedTreeHeadRecord]

    /// The kept signed tree head of the largest size, if any.
    func latestTreeHead() async throws -> SignedTreeHeadRecord?

    /// The changes other broker processes commit to this store from now on, each announced
    /// after its commit, until the store closes. A store only one process opens at a time
    /// (SQLite) finishes the sequence at once: every change is then made by this process,
    /// which knows of it already. A store several processes share announces this process's
    /// own changes too (they are harmless to apply twice), except its new deliveries: the
    /// broker signals those as it stores them, and a signal with nothing pushed would make
    /// each stream read again what it was just given. When it starts hearing the others (changes
    /// committed before then are not announced), after an interruption in which changes may
    /// have been missed, and after a commit of this process's whose outcome it could not learn,
    /// it announces `.unknown`.
    func changes() -> AsyncStream<StoreChange>

    /// Tells the other processes sharing the store of a change made outside it (such as a
    /// reloaded configuration), through `changes()`; a store one process owns does nothing.
    func announce(_ change: StoreChange) async throws

    /// Lets the calls under way finish, then releases the store (its files or connections);
    /// later calls throw `StoreError` `.closed`. The broker closes its store last, after
    /// every request in flight has been answered.
    func close() async
}

extension Store {
    /// Keeps the store open until the graceful shutdown of its service group, then closes it.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Stores one message (see `publish(_:)` for several).
    public func publish(_ message: NewMessage) async throws -> PublishOutcome {
        try await publish([message])[0]
    }

    /// The candidates of one stream (see `streamCandidates(for:limit:now:maxAttempts:)`).
    public func streamCandidates(for agency: AgencyID, after sequence: Int, limit: Int, now: Date,
                                 maxAttempts: Int) async throws -> [StreamCandidate] {
        try await streamCandidates(for: [StreamCursor(agency: agency, after: sequence)], limit: limit, now: now,
                                   maxAttempts: maxAttempts)[0]
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
        /// Another process of a newer version upgraded the store while this one ran: this one
        /// writes nothing more to it (each write fails so, with nothing changed) until it is
        /// upgraded too.
        public static let outdated = Code("store-outdated")

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
