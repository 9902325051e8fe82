import Foundation
import Logging
public import ShareModel
import ShareStore

extension Broker {
    /// Up to `limit` deliveries for `agency`, waiting up to `wait` seconds for the first one.
    public func inbox(for agency: Agency, limit: Int?, wait: Int?) async throws -> [InboxDelivery] {
        try refuseIfStopping()
        let limit = limit ?? 10
        let wait = wait ?? 0
        guard (1...configuration.maxInboxBatch).contains(limit) else {
            throw BrokerError(.badRequest, "'limit' must be from 1 to \(configuration.maxInboxBatch).")
        }
        guard (0...configuration.maxWaitSeconds).contains(wait) else {
            throw BrokerError(.badRequest, "'wait' must be from 0 to \(configuration.maxWaitSeconds) seconds.")
        }
        let deadline = ContinuousClock.now + .seconds(wait)
        while true {
            let generation = notifier.generation(of: agency.id)
            let deliveries: [InboxDelivery]
            do {
                deliveries = try await store.fetchInbox(
                    for: agency.id, limit: limit, now: clock.now(), visibilityTimeout: configuration.visibilityTimeout,
                    maxAttempts: configuration.maxAttempts)
            } catch {
                throw storeFailure(error)
            }
            let remaining = deadline - ContinuousClock.now
            if !deliveries.isEmpty || remaining <= .zero || notifier.isClosed || Task.isCancelled {
                metrics.countHandedOut(deliveries.count, by: .inbox)
                logHandedOut(deliveries, to: agency.id, by: "inbox")
                return try await recipientCopies(deliveries, for: agency.id)
            }
            await notifier.wait(.inbox, for: agency.id, after: generation, timeout: remaining)
        }
    }

    /// Acknowledges a delivery for its recipient. Unknown ids, and deliveries addressed to
    /// another agency, are "not found" alike.
    public func acknowledge(delivery idText: String, by agency: Agency) async throws -> Acknowledgement {
        guard let id = UUID(text: idText) else {
            throw BrokerError(.notFound, "No delivery '\(idText)' for agency '\(agency.id)'; delivery ids are UUIDs from the inbox.")
        }
        let acknowledgement: Acknowledgement?
        do {
            acknowledgement = try await store.acknowledge(delivery: id, by: agency.id, at: clock.now())
        } catch {
            throw storeFailure(error)
        }
        guard let acknowledgement else {
            throw BrokerError(.notFound, "No delivery \(id) for agency '\(agency.id)'.")
        }
        if acknowledgement.isFirst {
            metrics.countAcknowledged(1)
            logger.info("Delivery acknowledged", metadata: [
                ShareLogKey.agency: "\(agency.id)", ShareLogKey.deliveryID: "\(id.lowercasedString)",
            ])
        }
        return acknowledgement
    }

    /// Acknowledges several deliveries in one transaction. Ids that are not the caller's
    /// deliveries are returned as `notFound`; a malformed id refuses the whole request.
    public func acknowledge(deliveries idTexts: [String], by agency: Agency) async throws -> (acknowledged: [Acknowledgement], notFound: [String]) {
        guard (1...configuration.maxInboxBatch).contains(idTexts.count) else {
            throw BrokerError(.badRequest, "Acknowledge from 1 to \(configuration.maxInboxBatch) deliveries at a time.",
                              problems: [ValidationProblem(pointer: "/ids", message: "List 1 to \(configuration.maxInboxBatch) delivery ids.")])
        }
        var ids: [UUID] = []
        var problems: [ValidationProblem] = []
        for (index, text) in idTexts.enumerated() {
            if let id = UUID(text: text) {
                ids.append(id)
            } else {
                problems.append(ValidationProblem(pointer: JSONPointer("/ids").appending(index), message: "Not a delivery id (a UUID)."))
            }
        }
        guard problems.isEmpty else {
            throw BrokerError(.badRequest, "Some ids are not delivery ids; nothing was acknowledged.", problems: problems)
        }
        let acknowledgements: [Acknowledgement]
        do {
            acknowledgements = try await store.acknowledge(deliveries: ids, by: agency.id, at: clock.now())
        } catch {
            throw storeFailure(error)
        }
        let found = Set(acknowledgements.map(\.deliveryID))
        let first = acknowledgements.filter(\.isFirst).count
        metrics.countAcknowledged(first)
        logger.info("Deliveries acknowledged", metadata: [
            ShareLogKey.agency: "\(agency.id)", ShareLogKey.count: "\(first)",
        ])
        return (acknowledgements, ids.filter { !found.contains($0) }.map(\.lowercasedString))
    }

    /// Each recipient's state for a message, shown only to its sender.
    /// A stored message read again by its sender or by a recipient it was delivered to (one
    /// whose system lost it, say), recorded as `retrieved`. Anyone else gets 404, as if there
    /// were no such message; a party to a message whose retention has ended gets 410
    /// `message-purged` (its status and audit entries remain).
    public func retrieve(message idText: String, for agency: Agency) async throws -> RetrievedMessage {
        let notFound = BrokerError(.notFound, "No message '\(idText.prefix(64))' that '\(agency.id)' sent or was delivered. Only the sender and the recipients it was delivered to can read a message.")
        guard let id = UUID(text: idText) else { throw notFound }
        let message: RetrievedMessage?
        do {
            message = try await store.retrieve(message: id, by: agency.id, at: clock.now())
        } catch {
            throw storeFailure(error)
        }
        guard let message else { throw notFound }
        if let purgedAt = message.purgedAt { throw Self.purged(message.id, at: purgedAt) }
        return try await recipientCopy(message, for: agency.id)
    }

    /// The refusal of a message whose content was destroyed when its retention ended.
    static func purged(_ id: UUID, at purgedAt: Date) -> BrokerError {
        BrokerError(.messagePurged, "The content of message \(id.lowercasedString) was destroyed on \(Timestamp.format(purgedAt)) when its retention period ended; its delivery status and audit entries remain. Ask the sender if you still need it.")
    }

    public func status(message idText: String, for agency: Agency) async throws -> MessageStatus {
        guard let id = UUID(text: idText) else {
            throw BrokerError(.notFound, "No message '\(idText)' sent by '\(agency.id)'; message ids are UUIDs.")
        }
        let status: MessageStatus?
        do {
            status = try await store.messageStatus(id: id, sender: agency.id, now: clock.now())
        } catch {
            throw storeFailure(error)
        }
        guard let status else {
            throw BrokerError(.notFound, "No message \(id) sent by '\(agency.id)'. Only the sender can see a message's status.")
        }
        return status
    }
}
