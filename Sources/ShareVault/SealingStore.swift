public import Foundation
public import ShareAudit
public import ShareModel
public import ShareStore

/// A store whose message bodies are sealed at rest (`PayloadKeys`): it seals every message
/// (and every notice) on its way into `base` and opens every body on its way out, so the
/// broker and both stores go on handling JWS bytes while the store holds only ciphertext.
/// Everything else passes through unchanged; the digest, the routing and status columns and
/// the audit record stay readable, as the broker needs them.
///
/// A body that cannot be opened (its key is not held, or it was changed) fails the call with
/// `StoreError.unavailable`, naming the key by id only.
public final class SealingStore: Store {
    public let base: any Store
    public let keys: PayloadKeys

    public init(_ base: any Store, keys: PayloadKeys) {
        self.base = base
        self.keys = keys
    }

    public func publish(_ messages: [NewMessage]) async throws -> [PublishOutcome] {
        var sealed: [NewMessage] = []
        sealed.reserveCapacity(messages.count)
        for message in messages { sealed.append(try await seal(message)) }
        return try await base.publish(sealed)
    }

    public func replayedReceipt(of id: UUID, digest: Data) async throws -> PublishReceipt? {
        try await base.replayedReceipt(of: id, digest: digest)
    }

    public func fetchInbox(for agency: AgencyID, limit: Int, now: Date, visibilityTimeout: TimeInterval, maxAttempts: Int) async throws -> [InboxDelivery] {
        try await open(base.fetchInbox(for: agency, limit: limit, now: now, visibilityTimeout: visibilityTimeout, maxAttempts: maxAttempts))
    }

    public func streamDeliveries(for agency: AgencyID, after sequence: Int, limit: Int, now: Date,
                                 visibilityTimeout: TimeInterval, maxAttempts: Int) async throws -> [InboxDelivery] {
        try await open(base.streamDeliveries(for: agency, after: sequence, limit: limit, now: now,
                                             visibilityTimeout: visibilityTimeout, maxAttempts: maxAttempts))
    }

    public func streamCandidates(for streams: [StreamCursor], limit: Int, now: Date,
                                 maxAttempts: Int) async throws -> [[StreamCandidate]] {
        var bodies = OpenedBodies()
        var opened: [[StreamCandidate]] = []
        for candidates in try await base.streamCandidates(for: streams, limit: limit, now: now, maxAttempts: maxAttempts) {
            var stream: [StreamCandidate] = []
            for candidate in candidates {
                stream.append(StreamCandidate(delivery: try await open(candidate.delivery, among: &bodies),
                                              handedOutAtPublish: candidate.handedOutAtPublish))
            }
            opened.append(stream)
        }
        return opened
    }

    public func acknowledge(deliveries ids: [UUID], by agency: AgencyID, at time: Date) async throws -> [Acknowledgement] {
        try await base.acknowledge(deliveries: ids, by: agency, at: time)
    }

    public func isParty(to messageID: UUID, agency: AgencyID) async throws -> Bool {
        try await base.isParty(to: messageID, agency: agency)
    }

    public func retrieve(message id: UUID, by agency: AgencyID, at time: Date) async throws -> RetrievedMessage? {
        guard let message = try await base.retrieve(message: id, by: agency, at: time) else { return nil }
        return try await open(message)
    }

    public func storedMessages(_ ids: [UUID]) async throws -> [RetrievedMessage] {
        var opened: [RetrievedMessage] = []
        for message in try await base.storedMessages(ids) { opened.append(try await open(message)) }
        return opened
    }

    public func messageStatus(id: UUID, sender: AgencyID, now: Date) async throws -> MessageStatus? {
        try await base.messageStatus(id: id, sender: sender, now: now)
    }

    public func record(_ events: [EventRecord]) async throws {
        try await base.record(events)
    }

    public func addSubscription(_ subscription: Subscription, event: EventRecord) async throws {
        try await base.addSubscription(subscription, event: event)
    }

    public func removeSubscription(id: UUID, agency: AgencyID, event: EventRecord) async throws -> Bool {
        try await base.removeSubscription(id: id, agency: agency, event: event)
    }

    public func subscriptions() async throws -> [Subscription] {
        try await base.subscriptions()
    }

    public func setWebhook(_ url: String?, for agency: AgencyID, at time: Date, event: EventRecord) async throws {
        try await base.setWebhook(url, for: agency, at: time, event: event)
    }

    public func webhooks() async throws -> [AgencyID: String] {
        try await base.webhooks()
    }

    public func deferDelivery(_ id: UUID, until time: Date) async throws {
        try await base.deferDelivery(id, until: time)
    }

    public func dueWork(now: Date, maxAttempts: Int, limit: Int) async throws -> DueWork {
        let work = try await base.dueWork(now: now, maxAttempts: maxAttempts, limit: limit)
        var expired: [ExpiredMessage] = []
        for item in work.expired {
            expired.append(ExpiredMessage(message: try await open(item.message), expiresAt: item.expiresAt, unacknowledged: item.unacknowledged))
        }
        var overdue: [OverdueRequest] = []
        for item in work.overdue {
            overdue.append(OverdueRequest(message: try await open(item.message), respondBy: item.respondBy,
                                          recipients: item.recipients, answered: item.answered))
        }
        var exhausted: [ExhaustedDelivery] = []
        for item in work.exhausted {
            exhausted.append(ExhaustedDelivery(id: item.id, message: try await open(item.message), recipient: item.recipient, attempts: item.attempts))
        }
        var pastDue: [PastDueDelivery] = []
        for item in work.pastDue {
            pastDue.append(PastDueDelivery(id: item.id, message: try await open(item.message), recipient: item.recipient,
                                           dueBy: item.dueBy, attempts: item.attempts))
        }
        return DueWork(expired: expired, overdue: overdue, exhausted: exhausted, pastDue: pastDue)
    }

    public func settleExpiry(of messageID: UUID, at time: Date, events: [EventRecord], notice: NewMessage?) async throws {
        try await base.settleExpiry(of: messageID, at: time, events: events, notice: try await seal(notice))
    }

    public func settleDeadline(of messageID: UUID, at time: Date, notice: NewMessage?) async throws {
        try await base.settleDeadline(of: messageID, at: time, notice: try await seal(notice))
    }

    public func deadLetter(deliveries ids: [UUID], at time: Date, events: [EventRecord], notice: NewMessage?) async throws -> Bool {
        try await base.deadLetter(deliveries: ids, at: time, events: events, notice: try await seal(notice))
    }

    public func settlePastDue(deliveries ids: [UUID], at time: Date, notice: NewMessage) async throws -> Bool {
        try await base.settlePastDue(deliveries: ids, at: time, notice: try await seal(notice))
    }

    public func unsettledDeliveryCount() async throws -> Int {
        try await base.unsettledDeliveryCount()
    }

    public func probe() async throws {
        try await base.probe()
    }

    public func storedBodies(fromAuditIndex index: Int, limit: Int) async throws -> [StoredBody] {
        try await base.storedBodies(fromAuditIndex: index, limit: limit)
    }

    public func replaceBody(of id: UUID, old: Data, new: Data) async throws -> Bool {
        try await base.replaceBody(of: id, old: old, new: new)
    }

    public func retentionDue(cutoffs: [String: Date], limit: Int) async throws -> [RetentionCandidate] {
        try await base.retentionDue(cutoffs: cutoffs, limit: limit)
    }

    public func purge(message id: UUID, cutoff: Date, at time: Date, event: EventRecord) async throws -> Bool {
        try await base.purge(message: id, cutoff: cutoff, at: time, event: event)
    }

    public func setLegalHold(_ held: Bool, on token: String, at time: Date, event: EventRecord) async throws -> Bool {
        try await base.setLegalHold(held, on: token, at: time, event: event)
    }

    public func legalHolds() async throws -> [LegalHold] {
        try await base.legalHolds()
    }

    public func saveAttachmentChunk(upload: UUID, index: Int, bytes: ChunkBytes, at time: Date) async throws {
        let sealed = try await vault { try await keys.seal(chunk: bytes.bytes, upload: upload, index: index) }
        try await base.saveAttachmentChunk(upload: upload, index: index, bytes: ChunkBytes(sealed, sealed: true), at: time)
    }

    public func completeAttachment(_ attachment: NewAttachment, event: EventRecord) async throws -> StoredAttachment {
        try await base.completeAttachment(attachment, event: event)
    }

    public func discardAttachmentUpload(_ upload: UUID) async throws {
        try await base.discardAttachmentUpload(upload)
    }

    public func attachments(_ digests: [AttachmentDigest], uploader: AgencyID) async throws -> [StoredAttachment] {
        try await base.attachments(digests, uploader: uploader)
    }

    public func retrieveAttachment(_ digest: AttachmentDigest, message id: UUID, by agency: AgencyID, at time: Date) async throws -> StoredAttachment? {
        try await base.retrieveAttachment(digest, message: id, by: agency, at: time)
    }

    /// A chunk opened (or one stored in clear, as it is).
    public func attachmentChunk(upload: UUID, index: Int) async throws -> ChunkBytes? {
        guard let stored = try await base.attachmentChunk(upload: upload, index: index) else { return nil }
        guard stored.sealed else { return stored }
        return ChunkBytes(try await vault { try await keys.open(chunk: stored.bytes, upload: upload, index: index) }, sealed: false)
    }

    public func storedChunks(after position: ChunkPosition?, limit: Int) async throws -> [StoredChunk] {
        try await base.storedChunks(after: position, limit: limit)
    }

    public func replaceChunk(at position: ChunkPosition, old: Data, new: Data) async throws -> Bool {
        try await base.replaceChunk(at: position, old: old, new: new)
    }

    public func removeUnreferencedAttachments(uploadedBefore cutoff: Date, limit: Int) async throws -> Int {
        try await base.removeUnreferencedAttachments(uploadedBefore: cutoff, limit: limit)
    }

    public func events(from index: Int, limit: Int) async throws -> [StoredEvent] {
        try await base.events(from: index, limit: limit)
    }

    public func entryBytes(from index: Int, limit: Int) async throws -> [(index: Int, entry: Data)] {
        try await base.entryBytes(from: index, limit: limit)
    }

    public func events(matching filter: EventFilter, limit: Int) async throws -> [StoredEvent] {
        try await base.events(matching: filter, limit: limit)
    }

    public func storedTreeSize() async throws -> Int {
        try await base.storedTreeSize()
    }

    public func subtreeBlocks(_ ids: [SubtreeBlockID]) async throws -> [SubtreeBlockID: SubtreeBlock] {
        try await base.subtreeBlocks(ids)
    }

    public func saveSubtreeBlocks(_ blocks: [SubtreeBlock]) async throws {
        try await base.saveSubtreeBlocks(blocks)
    }

    public func saveTreeHead(_ head: SignedTreeHeadRecord) async throws {
        try await base.saveTreeHead(head)
    }

    public func treeHeads(fromSize: Int, limit: Int) async throws -> [SignedTreeHeadRecord] {
        try await base.treeHeads(fromSize: fromSize, limit: limit)
    }

    public func latestTreeHead() async throws -> SignedTreeHeadRecord? {
        try await base.latestTreeHead()
    }

    public func holdStreamPresence(node: UUID, agencies: Set<AgencyID>, lease: TimeInterval) async throws {
        try await base.holdStreamPresence(node: node, agencies: agencies, lease: lease)
    }

    public func streamPresence(otherThan node: UUID) async throws -> [AgencyID: TimeInterval] {
        try await base.streamPresence(otherThan: node)
    }

    public func changes() -> AsyncStream<StoreChange> {
        base.changes()
    }

    public func announce(_ change: StoreChange) async throws {
        try await base.announce(change)
    }

    public func close() async {
        await base.close()
    }

    // MARK: Sealing and opening

    private func seal(_ message: NewMessage?) async throws -> NewMessage? {
        guard let message else { return nil }
        return try await seal(message)
    }

    private func seal(_ message: NewMessage) async throws -> NewMessage {
        let body = try await vault { try await keys.seal(message.jws, messageID: message.id) }
        return NewMessage(id: message.id, sender: message.sender, type: message.type, area: message.area, digest: message.digest,
                          jws: body, receivedAt: message.receivedAt, expiresAt: message.expiresAt, deliveries: message.deliveries,
                          events: message.events, respondBy: message.respondBy, inReplyTo: message.inReplyTo,
                          attachments: message.attachments)
    }

    private func open(_ deliveries: [InboxDelivery]) async throws -> [InboxDelivery] {
        var bodies = OpenedBodies()
        var opened: [InboxDelivery] = []
        opened.reserveCapacity(deliveries.count)
        for delivery in deliveries { opened.append(try await open(delivery, among: &bodies)) }
        return opened
    }

    /// The delivery with its message opened, once per message among the deliveries of one
    /// call (`bodies`): a message to several agencies' streams is read once for all of them.
    private func open(_ delivery: InboxDelivery, among bodies: inout OpenedBodies) async throws -> InboxDelivery {
        if let jws = bodies[delivery.messageID] { return delivery.replacingJWS(jws) }
        let jws = try await vault { try await keys.open(delivery.jws, messageID: delivery.messageID) }
        bodies[delivery.messageID] = jws
        return delivery.replacingJWS(jws)
    }

    private func open(_ message: RetrievedMessage) async throws -> RetrievedMessage {
        message.replacingJWS(try await vault { try await keys.open(message.jws, messageID: message.id) })
    }

    private func open(_ message: DueMessage) async throws -> DueMessage {
        let jws = try await vault { try await keys.open(message.jws, messageID: message.id) }
        return DueMessage(id: message.id, sender: message.sender, type: message.type, area: message.area, jws: jws)
    }

    /// Runs a sealing or opening step, reporting its failure as the store's: nothing was stored
    /// or served, and the reason names keys by id only.
    private func vault(_ body: () async throws -> Data) async throws -> Data {
        do {
            return try await body()
        } catch let error as VaultError {
            throw StoreError(.unavailable, error.description)
        }
    }
}

/// The messages one call has opened, by id. Kept for that call only: nothing opened outlives
/// the answer that carries it.
private typealias OpenedBodies = [UUID: Data]
