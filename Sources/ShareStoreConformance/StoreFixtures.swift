public import Foundation
public import ShareModel
public import ShareStore
public import Testing

/// The demo partnership's agencies the store tests use: a sender and two recipients.
extension AgencyID {
    /// The hospitals' trust, the usual sender.
    public static let hospitals = AgencyID("northshire-hospitals")!
    /// Children's social care, the usual recipient.
    public static let csc = AgencyID("northshire-csc")!
    /// The police, a second recipient.
    public static let police = AgencyID("northshire-police")!
}

/// The time store tests start at: a whole second, so times survive a store's milliseconds and
/// RFC 3339 text unchanged (2026-11-22T09:31:00Z).
public let t0 = Date(timeIntervalSince1970: 1_795_339_860)

/// A message as the broker would build it: `published` first (carrying `subjects`), then one
/// `routed` per recipient, then one `delivered` per recipient it is handed out to as it is
/// published (`handedOutUntil`); a recipient in `dueBy` must acknowledge by then. `digest` stands in for SHA-256 of the JWS; a store only compares it.
public func newMessage(
    id: UUID = UUID(), sender: AgencyID = .hospitals, recipients: [AgencyID] = [.csc], deliveryIDs: [UUID]? = nil,
    jws: Data = Data("eyJhbGciOiJFUzI1NiJ9.e30.c2ln".utf8), digest: Data? = nil, receivedAt: Date = t0,
    expiresAt: Date? = nil, respondBy: Date? = nil, inReplyTo: UUID? = nil, subjects: [String]? = nil,
    handedOutUntil: [AgencyID: Date] = [:], dueBy: [AgencyID: Date] = [:], attachments: [AttachmentDigest] = []
) -> NewMessage {
    let digest = digest ?? Data(jws.reversed().prefix(32))
    let ids = deliveryIDs ?? recipients.map { _ in UUID() }
    let deliveries = zip(ids, recipients).map { NewDelivery(id: $0, recipient: $1, handedOutUntil: handedOutUntil[$1], dueBy: dueBy[$1]) }
    let published = EventRecord(kind: .published, at: receivedAt, agency: sender, messageID: id,
                                messageDigest: digest.base64EncodedString(), messageType: "unborn-baby-referral/1",
                                area: "E99999999", subjects: subjects)
    let routed = deliveries.map {
        EventRecord(kind: .routed, at: receivedAt, agency: sender, messageID: id, deliveryID: $0.id, recipient: $0.recipient)
    }
    let delivered = deliveries.filter { $0.handedOutUntil != nil }.map {
        EventRecord(kind: .delivered, at: receivedAt, agency: $0.recipient, messageID: id, deliveryID: $0.id, attempt: 1)
    }
    return NewMessage(id: id, sender: sender, type: "unborn-baby-referral/1", area: "E99999999", digest: digest,
                      jws: jws, receivedAt: receivedAt, expiresAt: expiresAt, deliveries: deliveries,
                      events: [published] + routed + delivered, respondBy: respondBy, inReplyTo: inReplyTo,
                      attachments: attachments)
}

/// A notice from the broker to the hospitals, as the timers store one.
func newNotice(id: UUID = UUID(), at time: Date) -> NewMessage {
    newMessage(id: id, sender: .broker, recipients: [.hospitals], jws: Data("notice \(id)".utf8), receivedAt: time)
}

extension PublishOutcome {
    /// The receipt when the message was newly stored; nil for a replay or a conflict.
    public var storedReceipt: PublishReceipt? {
        if case .stored(let receipt, _) = self { return receipt }
        return nil
    }
}

/// The receipt of a publish that must be newly stored.
@discardableResult
public func publishStored(_ message: NewMessage, to store: any Store,
                          sourceLocation: SourceLocation = #_sourceLocation) async throws -> PublishReceipt {
    let outcome = try await store.publish(message)
    return try #require(outcome.storedReceipt, "expected .stored, got \(outcome)", sourceLocation: sourceLocation)
}

/// Every event in the record.
public func allEvents(_ store: any Store) async throws -> [StoredEvent] {
    try await store.events(from: 0, limit: 100_000)
}

/// The visibility timeout the checks hand deliveries out with.
let visibility: TimeInterval = 30

extension Store {
    /// `fetchInbox` with a 30-second visibility timeout.
    func fetch(_ agency: AgencyID, at now: Date, limit: Int = 10, maxAttempts: Int = 10) async throws -> [InboxDelivery] {
        try await fetchInbox(for: agency, limit: limit, now: now, visibilityTimeout: visibility, maxAttempts: maxAttempts)
    }

    /// `streamDeliveries` with a 30-second visibility timeout.
    func stream(_ agency: AgencyID, after sequence: Int = 0, at now: Date, limit: Int = 10,
                maxAttempts: Int = 10) async throws -> [InboxDelivery] {
        try await streamDeliveries(for: agency, after: sequence, limit: limit, now: now, visibilityTimeout: visibility,
                                   maxAttempts: maxAttempts)
    }

    /// The message's status as its sender sees it at `now`.
    func status(of message: NewMessage, at now: Date) async throws -> MessageStatus? {
        try await messageStatus(id: message.id, sender: message.sender, now: now)
    }

    /// The recorded events of one kind, in index order.
    func recorded(_ kind: EventRecord.Kind) async throws -> [EventRecord] {
        try await events(matching: EventFilter(kind: kind), limit: 100_000).map(\.event)
    }
}
