public import Foundation
public import ShareModel

/// What the broker's timers must do now, found from stored state so that it survives a restart.
public struct DueWork: Sendable {
    /// Messages past their expiry whose expiry has not been handled.
    public let expired: [ExpiredMessage]
    /// Information requests past `respondBy` whose deadline has not been handled.
    public let overdue: [OverdueRequest]
    /// Deliveries handed out the maximum number of times, visible again and never acknowledged.
    public let exhausted: [ExhaustedDelivery]
    /// Deliveries not acknowledged by their `dueBy`, whose deadline has not been handled.
    public let pastDue: [PastDueDelivery]

    public init(expired: [ExpiredMessage], overdue: [OverdueRequest], exhausted: [ExhaustedDelivery], pastDue: [PastDueDelivery] = []) {
        self.expired = expired
        self.overdue = overdue
        self.exhausted = exhausted
        self.pastDue = pastDue
    }

    public var isEmpty: Bool { expired.isEmpty && overdue.isEmpty && exhausted.isEmpty && pastDue.isEmpty }
}

/// A stored message, as the timers need it.
public struct DueMessage: Sendable {
    public let id: UUID
    public let sender: AgencyID
    public let type: String
    public let area: String
    /// The JWS as received, for the subject of a notice about it.
    public let jws: Data

    public init(id: UUID, sender: AgencyID, type: String, area: String, jws: Data) {
        self.id = id
        self.sender = sender
        self.type = type
        self.area = area
        self.jws = jws
    }
}

/// An expired message and its recipients that never acknowledged it.
public struct ExpiredMessage: Sendable {
    public struct Unacknowledged: Sendable {
        public let deliveryID: UUID
        public let recipient: AgencyID
        public let attempts: Int
        /// Whether it was ever handed out.
        public let delivered: Bool

        public init(deliveryID: UUID, recipient: AgencyID, attempts: Int, delivered: Bool) {
            self.deliveryID = deliveryID
            self.recipient = recipient
            self.attempts = attempts
            self.delivered = delivered
        }
    }

    public let message: DueMessage
    public let expiresAt: Date
    public let unacknowledged: [Unacknowledged]

    public init(message: DueMessage, expiresAt: Date, unacknowledged: [Unacknowledged]) {
        self.message = message
        self.expiresAt = expiresAt
        self.unacknowledged = unacknowledged
    }
}

/// An information request past its deadline: who was asked and who has answered.
public struct OverdueRequest: Sendable {
    public let message: DueMessage
    public let respondBy: Date
    public let recipients: [AgencyID]
    public let answered: [AgencyID]

    public init(message: DueMessage, respondBy: Date, recipients: [AgencyID], answered: [AgencyID]) {
        self.message = message
        self.respondBy = respondBy
        self.recipients = recipients
        self.answered = answered
    }
}

/// A delivery that has used up its attempts.
public struct ExhaustedDelivery: Sendable {
    public let id: UUID
    public let message: DueMessage
    public let recipient: AgencyID
    public let attempts: Int

    public init(id: UUID, message: DueMessage, recipient: AgencyID, attempts: Int) {
        self.id = id
        self.message = message
        self.recipient = recipient
        self.attempts = attempts
    }
}

/// A delivery its recipient had not acknowledged when its `dueBy` passed.
public struct PastDueDelivery: Sendable {
    public let id: UUID
    public let message: DueMessage
    public let recipient: AgencyID
    public let dueBy: Date
    /// Hand-outs so far (0: the recipient has not fetched it).
    public let attempts: Int

    public init(id: UUID, message: DueMessage, recipient: AgencyID, dueBy: Date, attempts: Int) {
        self.id = id
        self.message = message
        self.recipient = recipient
        self.dueBy = dueBy
        self.attempts = attempts
    }
}
