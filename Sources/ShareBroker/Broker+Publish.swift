import Crypto
public import Foundation
import Logging
import ShareCatalogue
import ShareJWS
public import ShareModel
import ShareStore

/// The answer to a publish.
public struct PublishResult: Sendable {
    public let receipt: PublishReceipt
    /// True when this was an identical resend and the first answer is being repeated.
    public let replayed: Bool
}

extension Broker {
    /// Accepts a signed message from `agency`: verify the JWS, read the envelope, check who
    /// may send to whom, then store the message, its deliveries and its events in one
    /// transaction. Returns only once all of that is on disk.
    public func publish(_ body: Data, from agency: Agency) async throws -> PublishResult {
        try await publish([body], from: agency)[0].get()
    }

    /// Accepts several signed messages from `agency`, each checked on its own exactly as a
    /// single publish is: a refused message has its error in its place and does not stop
    /// the others. Those accepted are stored in one transaction (one commit) in order;
    /// returns only once that is on disk. Throws, having stored none of them, if the broker
    /// is stopping or the store cannot write.
    public func publish(_ bodies: [Data], from agency: Agency) async throws -> [Result<PublishResult, any Error>] {
        let results: [Result<PublishResult, any Error>]
        do {
            results = try await checkAndStore(bodies, from: agency)
        } catch {
            metrics.countRefusal(error, count: bodies.count)
            throw error
        }
        for result in results {
            switch result {
            case .success(let published): metrics.countPublished(replayed: published.replayed)
            case .failure(let error): metrics.countRefusal(error)
            }
        }
        return results
    }

    /// The work of `publish(_:from:)`, before it is counted.
    private func checkAndStore(_ bodies: [Data], from agency: Agency) async throws -> [Result<PublishResult, any Error>] {
        try refuseIfStopping()
        try auditLog.refuseIfInconsistent()
        var checked: [Result<Accepted, any Error>] = []
        for body in bodies {
            do {
                checked.append(.success(try await accepted(body, from: agency)))
            } catch {
                checked.append(.failure(error))
            }
        }
        let messages = checked.compactMap { check -> NewMessage? in
            guard case .success(.new(let message)) = check else { return nil }
            return message
        }
        var outcomes: IndexingIterator<[PublishOutcome]>
        do {
            let start = ContinuousClock.now
            let stored = messages.isEmpty ? [] : try await store.publish(messages)
            if !messages.isEmpty { metrics.recordStorePublish(since: start) }
            guard stored.count == messages.count else {
                throw StoreError(.unavailable, "The store answered \(stored.count) outcomes for \(messages.count) messages.")
            }
            outcomes = stored.makeIterator()
        } catch {
            throw storeFailure(error)
        }
        var pushed: [PushedDelivery] = []
        let results = checked.map { check in
            check.flatMap { accepted -> Result<PublishResult, any Error> in
                switch accepted {
                case .new(let message):
                    let outcome = outcomes.next()!
                    if case .stored(_, let handedOut) = outcome {
                        pushed += Self.pushed(handedOut, of: message)
                    }
                    return answer(outcome, to: message, from: agency)
                case .replay(let receipt):
                    return .success(PublishResult(receipt: receipt, replayed: true))
                }
            }
        }
        notifier.signal(results.flatMap { result -> [AgencyID] in
            guard case .success(let published) = result, !published.replayed else { return [] }
            return published.receipt.recipients
        }, pushed: pushed)
        return results
    }

    /// The deliveries of `message` the store handed out at publish, as the recipient's streams
    /// would read them from the store (`Store.streamCandidates`).
    private static func pushed(_ handedOut: [StreamHandOut], of message: NewMessage) -> [PushedDelivery] {
        guard !handedOut.isEmpty else { return [] }
        let deliveries = Dictionary(message.deliveries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return handedOut.compactMap { handOut in
            guard let delivery = deliveries[handOut.deliveryID], let hiddenUntil = delivery.handedOutUntil else { return nil }
            let received = message.receivedAt.asStored
            return PushedDelivery(
                recipient: handOut.recipient,
                delivery: InboxDelivery(
                    id: delivery.id, sequence: handOut.sequence, messageID: message.id, type: message.type, sender: message.sender,
                    jws: message.jws, attempt: 1, createdAt: received, deliveredAt: received,
                    expiresAt: message.expiresAt?.asStored, respondBy: message.respondBy?.asStored, dueBy: delivery.dueBy?.asStored),
                previous: handOut.previous, hiddenUntil: hiddenUntil)
        }
    }

    /// A checked message: new, with the records to store, or an identical resend of a stored one.
    private enum Accepted: Sendable {
        case new(NewMessage)
        case replay(PublishReceipt)
    }

    /// The checks of a publish before anything is stored: size, signature, envelope, expiry,
    /// sharing policy, reply, the decision it reconsiders and the flag it ends. An identical resend of a stored
    /// message is answered as a replay even when it would now be refused (it has expired since,
    /// or the policy or a recipient's status changed): the sender learns that the message was
    /// stored, and no refusal is recorded for it.
    private func accepted(_ body: Data, from agency: Agency) async throws -> Accepted {
        guard body.count <= configuration.maxMessageBytes else {
            throw BrokerError(.tooLarge, "The message is \(body.count) bytes; the limit is \(configuration.maxMessageBytes). Share large documents by reference.")
        }
        let (envelope, document, signer, opened, digest) = try verifiedEnvelope(body, from: agency)
        let now = clock.now()
        do {
            if let retiredAt = signer.retiredAt, retiredAt <= now {
                throw BrokerError(.signingKeyRetired, "The message is signed with a key that was retired at \(Timestamp.format(retiredAt)); sign it with your agency's current key (GET /v1/directory lists your keys and which are retired).")
            }
            if let expiresAt = envelope.expiresAt, expiresAt <= now {
                throw BrokerError(.expired, "The message's 'expiresAt' (\(Timestamp.format(expiresAt))) has already passed; set a later expiry and sign again.",
                                  problems: [ValidationProblem(pointer: "/expiresAt", message: "This time has passed.")])
            }
            let decision = try Routing(policy: policy, directory: directory, subscriptions: try await allSubscriptions(),
                                       deadlines: DeadlineCounter(calendars: configuration.calendars))
                .route(envelope, document: document, sender: agency, receivedAt: now)
            try refuseContradictoryDates(envelope, document: document)
            try await refuseUnreceivedReply(envelope)
            try await refuseUnknownReconsidered(envelope, at: now)
            try await refuseUnknownFlagEnd(envelope)
            try await refuseUnuploadedAttachments(envelope)
            return .new(newMessage(envelope, jws: body, digest: digest, decision: decision, receivedAt: now, opened: opened))
        } catch let refusal as PolicyRefusal {
            if let receipt = try await replayedReceipt(of: envelope.id, digest: digest) { return .replay(receipt) }
            try await recordRefusal(refusal, by: agency, at: now, of: envelope)
            throw refusal.error
        } catch let refusal as BrokerError {
            if let receipt = try await replayedReceipt(of: envelope.id, digest: digest) { return .replay(receipt) }
            throw refusal
        }
    }

    /// The first receipt if the message whose JWS has SHA-256 `digest` is an identical resend
    /// of the stored message `id`.
    private func replayedReceipt(of id: UUID, digest: Data) async throws -> PublishReceipt? {
        do {
            return try await store.replayedReceipt(of: id, digest: digest)
        } catch {
            throw storeFailure(error)
        }
    }

    /// A stored message's answer: its receipt, the first receipt for a replay, or the refusal of a conflict.
    private func answer(_ outcome: PublishOutcome, to message: NewMessage, from agency: Agency) -> Result<PublishResult, any Error> {
        switch outcome {
        case .stored(let receipt, _):
            logger.info("Message published", metadata: [
                ShareLogKey.agency: "\(agency.id)", ShareLogKey.messageID: "\(message.id.lowercasedString)",
                ShareLogKey.messageType: "\(message.type)", ShareLogKey.count: "\(receipt.recipients.count)",
            ])
            return .success(PublishResult(receipt: receipt, replayed: false))
        case .replayed(let receipt):
            return .success(PublishResult(receipt: receipt, replayed: true))
        case .conflict:
            return .failure(Self.idTaken(message.id))
        case .attachmentsMissing(let digests):
            return .failure(BrokerError(.invalidEnvelope, "The message references \(digests.count) document(s) that were removed while it was being published; upload them again, then publish the message again.",
                                        problems: digests.map { digest in
                                            let index = message.attachments.firstIndex(of: digest) ?? 0
                                            return ValidationProblem(pointer: JSONPointer(["attachments", String(index), "digest"]),
                                                                     message: "'\(message.sender)' no longer holds a document with this digest; PUT it to /v1/attachments/\(digest) again.")
                                        }))
        }
    }

    /// The answer when an id is taken by other bytes. Message ids are one namespace across
    /// agencies, so the same words answer whoever holds the id: nothing about another agency's
    /// message (its sender, content or recipients, or that another agency holds it) is said.
    static func idTaken(_ id: UUID) -> BrokerError {
        BrokerError(.idConflict, "Message id \(id.lowercasedString) is taken, so this message was not stored. Give every new message a new random id (UUID version 4); to retry a publish whose answer was lost, resend the identical bytes.")
    }

    /// Checks the JWS (or the SD-JWT: its JWS and its disclosures, see `SignedBody`) and its
    /// signer, and reads the envelope (for an SD-JWT, the envelope with every disclosure put
    /// back); with the SHA-256 of `body`, hashed with the signature check.
    private func verifiedEnvelope(_ body: Data, from agency: Agency) throws -> (Envelope, JSONValue, Directory.Signer, OpenedBody, Data) {
        let signed = try SignedBody(body)
        let jws = signed.jws
        let kid: String
        do {
            kid = try jws.requireES256()
        } catch let error as JWSError {
            throw BrokerError(.unsupportedSignature, error.reason)
        }
        guard let signer = directory.signingKey(kid: kid) else {
            throw BrokerError(.unknownKey, "No agency in the directory has a signing key with kid '\(kid)'. Register the key, or sign with a key listed in /v1/directory.")
        }
        let digest: Data
        do {
            digest = Data(try ES256.verify(jws, with: signer.key.key, digesting: body))
        } catch {
            throw BrokerError(.badSignature, "The signature does not verify with key '\(kid)': the message was changed after signing, or signed with another key.")
        }
        let opened = try signed.opened()
        let document = opened.document
        guard document.objectValue != nil else {
            throw BrokerError(.malformedMessage, "The signed payload must be the envelope as one JSON object, not a JSON \(document.typeName).")
        }
        let problems = catalogue.problems(in: document)
        if catalogue.isUnknownType(document) {
            throw BrokerError(.unknownMessageType, "The message's type is not in this broker's catalogue; GET /v1/schemas lists the types it accepts.",
                              problems: problems)
        }
        guard problems.isEmpty else {
            throw BrokerError(.invalidEnvelope, "The message breaks its type's schema in \(problems.count) place(s); each is listed with its JSON Pointer and the schema rule.",
                              problems: problems)
        }
        let envelope: Envelope
        switch EnvelopeReader().read(document) {
        case .success(let read): envelope = read
        case .failure(let failure):
            throw BrokerError(.invalidEnvelope, "The envelope has \(failure.problems.count) problem(s); each is listed with its JSON Pointer.",
                              problems: failure.problems)
        }
        guard envelope.sender == agency.id else {
            throw BrokerError(.senderMismatch, "The envelope's sender is '\(envelope.sender)' but your client certificate is agency '\(agency.id)'. An agency may only send as itself.",
                              problems: [ValidationProblem(pointer: "/sender", message: "Must be '\(agency.id)'.")])
        }
        guard signer.agency == envelope.sender else {
            throw BrokerError(.keyNotSenders, "Key '\(kid)' belongs to agency '\(signer.agency)', not to the sender '\(envelope.sender)'. Sign with one of your own agency's keys.")
        }
        try refuseUnruledDisclosures(opened, type: envelope.type)
        return (envelope, document, signer, opened, digest)
    }

    /// Refuses disclosures in a message whose type's policy names no `selectiveDisclosure`:
    /// nobody could be given them, which is surely not what the sender meant.
    private func refuseUnruledDisclosures(_ opened: OpenedBody, type: MessageType) throws {
        guard let first = opened.places.first, let rule = policy.rule(for: type), rule.selectiveDisclosure == nil else { return }
        throw BrokerError(.invalidDisclosures, "The sharing policy for '\(type)' says nothing about selectively disclosable members ('selectiveDisclosure'), so no recipient could be given them. Send the message as a plain JWS, or ask for the policy to name what each kind of recipient may see.",
                          problems: [ValidationProblem(pointer: first, message: "Disclosable here, but the policy gives this type no selective disclosure.")])
    }

    /// Refuses (422, each date's pointer) a payload whose dates contradict the deadline they
    /// state (`PayloadDates`), counted on the calendar of the message's area.
    private func refuseContradictoryDates(_ envelope: Envelope, document: JSONValue) throws {
        let problems = PayloadDates.problems(in: document, type: envelope.type.description,
                                             calendar: configuration.calendars[envelope.area])
        guard problems.isEmpty else {
            throw BrokerError(.invalidEnvelope, "The payload's dates contradict the deadline they state in \(problems.count) place(s); each is listed with its JSON Pointer.",
                              problems: problems)
        }
    }

    /// A message may only answer (`inReplyTo`) a message its sender sent or received.
    private func refuseUnreceivedReply(_ envelope: Envelope) async throws {
        guard let original = envelope.inReplyTo else { return }
        let received: Bool
        do {
            received = try await store.isParty(to: original, agency: envelope.sender)
        } catch {
            throw storeFailure(error)
        }
        guard received else {
            throw BrokerError(.invalidEnvelope, "'inReplyTo' names a message that '\(envelope.sender)' neither sent nor received; answer only messages you sent or received.",
                              problems: [ValidationProblem(pointer: "/inReplyTo", message: "Not a message you sent or received.")])
        }
    }

    /// The records of a message to store: the message, one delivery per recipient, and its
    /// events (each `routed` entry says why its recipient receives it: by which subscription, or
    /// in place of a school; neither for one addressed directly). A recipient with a delivery
    /// stream open has its delivery handed out here, once, for all its streams (see `StreamRegistry`).
    /// For an SD-JWT (`opened`), each `routed` entry names the disclosures its recipient
    /// receives and those withheld from it (`RecipientCopy`), by pointer, never by value.
    /// `digest` is the SHA-256 of `jws` when the caller has it already.
    func newMessage(_ envelope: Envelope, jws: Data, digest: Data? = nil, decision: RoutingDecision, receivedAt: Date,
                    opened: OpenedBody? = nil) -> NewMessage {
        let digest = digest ?? Data(SHA256.hash(data: jws))
        let streaming = streams.streaming(among: decision.recipients)
        let hiddenUntil = receivedAt.addingTimeInterval(configuration.visibilityTimeout)
        let deliveries = decision.recipients.map {
            NewDelivery(id: .timeOrdered(at: receivedAt), recipient: $0, handedOutUntil: streaming.contains($0) ? hiddenUntil : nil,
                        dueBy: decision.dueBy[$0])
        }
        let published = EventRecord(
            kind: .published, at: receivedAt, agency: envelope.sender, messageID: envelope.id,
            messageDigest: digest.base64EncodedString(), messageType: envelope.type.description, area: envelope.area,
            disclosure: envelope.disclosure, subjects: subjectTokens.tokens(of: envelope),
            inReplyTo: envelope.inReplyTo, respondBy: decision.respondBy)
        let disclosureRule = policy.rule(for: envelope.type)?.selectiveDisclosure
        let routed = deliveries.map {
            let route = (decision.routes[$0.recipient] ?? .direct).recorded
            let copy = opened?.copy(rule: disclosureRule, for: directory.agencies[$0.recipient]?.kind)
            return EventRecord(kind: .routed, at: receivedAt, agency: envelope.sender, messageID: envelope.id, deliveryID: $0.id,
                               recipient: $0.recipient, rule: route.rule, subscriptionID: route.subscriptionID, dueBy: $0.dueBy,
                               disclosed: copy.map { $0.disclosed.map(\.description).sorted() },
                               withheld: copy.map { $0.withheld.map(\.description).sorted() })
        }
        let delivered = deliveries.filter { $0.handedOutUntil != nil }.map {
            EventRecord(kind: .delivered, at: receivedAt, agency: $0.recipient, messageID: envelope.id, deliveryID: $0.id, attempt: 1)
        }
        return NewMessage(
            id: envelope.id, sender: envelope.sender, type: envelope.type.description, area: envelope.area,
            digest: digest, jws: jws, receivedAt: receivedAt, expiresAt: decision.expiresAt,
            deliveries: deliveries, events: [published] + routed + delivered, respondBy: decision.respondBy,
            inReplyTo: envelope.inReplyTo, attachments: envelope.attachments.map(\.digest))
    }
}
