public import Foundation
public import ShareModel

/// The rules of a delivery's life, in one place for every store: plain values in, a decision
/// out, no I/O (as postgres-nio's `ConnectionStateMachine` keeps its protocol's rules).
///
/// A delivery is **open** until it is acknowledged, its message expires or it is
/// dead-lettered; only an open delivery is handed out. A hand-out to the inbox (or a webhook)
/// needs the delivery visible (never handed out, or its visibility period or deferral over)
/// and attempts left: it counts an attempt and hides the delivery for the visibility
/// timeout. A stream also gets a delivery still hidden from its last hand-out (it
/// reconnected), as that hand-out (its attempt and time) and without extending its
/// visibility, so an attempt is counted at most once per visibility period, and an attempt
/// reads the same whichever stream or node sends it. Stores select candidates with these rules
/// in their queries (for their indexes) and apply each decision made here.
public struct DeliveryLifecycle: Sendable, Equatable {
    /// Hand-outs so far.
    public var attempts: Int
    /// Hidden from the inbox until then (the end of its last visibility period or deferral).
    public var visibleAt: Date
    /// Its message's expiry, if any.
    public var expiresAt: Date?
    public var acknowledgedAt: Date?
    public var deadLetteredAt: Date?
    public var firstDeliveredAt: Date?
    /// When its last counted hand-out happened.
    public var lastDeliveredAt: Date?

    public init(attempts: Int, visibleAt: Date, expiresAt: Date? = nil, acknowledgedAt: Date? = nil,
                deadLetteredAt: Date? = nil, firstDeliveredAt: Date? = nil, lastDeliveredAt: Date? = nil) {
        self.attempts = attempts
        self.visibleAt = visibleAt
        self.expiresAt = expiresAt
        self.acknowledgedAt = acknowledgedAt
        self.deadLetteredAt = deadLetteredAt
        self.firstDeliveredAt = firstDeliveredAt
        self.lastDeliveredAt = lastDeliveredAt
    }

    /// What a hand-out does to a delivery.
    public enum HandOut: Sendable, Equatable {
        /// Not handed out now.
        case withheld
        /// Handed out as attempt `attempt` (counted), hidden until `hiddenUntil`.
        case counted(attempt: Int, hiddenUntil: Date)
        /// Handed out again as the hand-out of attempt `attempt` made at `deliveredAt`, its
        /// visibility unchanged.
        case repeated(attempt: Int, deliveredAt: Date)

        /// The attempt the delivery is handed out under; nil when withheld.
        public var attempt: Int? {
            switch self {
            case .withheld: nil
            case .counted(let attempt, _), .repeated(let attempt, _): attempt
            }
        }

        /// The delivery time the recipient is shown, for a hand-out decided at `now`: `now` as
        /// the store keeps it (to the millisecond) for a counted one, so that the hand-out reads
        /// the same when sent again; the repeated hand-out's own for a repeated one; nil when
        /// withheld.
        public func deliveredAt(now: Date) -> Date? {
            switch self {
            case .withheld: nil
            case .counted: now.asStored
            case .repeated(_, let deliveredAt): deliveredAt
            }
        }

        /// Until when a counted hand-out hides the delivery; nil when nothing is to be stored.
        public var hiddenUntil: Date? {
            if case .counted(_, let hiddenUntil) = self { hiddenUntil } else { nil }
        }
    }

    /// Its state at `now`, as status reports it: acknowledged wins over everything; then
    /// expired, once its message's `expiresAt <= now`; then dead-lettered; then delivered, once
    /// handed out; else pending.
    public func state(at now: Date) -> DeliveryStatus.State {
        if acknowledgedAt != nil { return .acknowledged }
        if let expiresAt, expiresAt <= now { return .expired }
        if deadLetteredAt != nil { return .deadLettered }
        return firstDeliveredAt != nil ? .delivered : .pending
    }

    /// Whether it may still be handed out at `now`.
    public func isOpen(at now: Date) -> Bool {
        acknowledgedAt == nil && deadLetteredAt == nil && !(expiresAt.map { $0 <= now } ?? false)
    }

    /// Whether it is visible at `now` (a bound is reached when `now` equals it).
    public func isVisible(at now: Date) -> Bool {
        visibleAt <= now
    }

    /// A hand-out to the inbox or a webhook at `now`.
    public func inboxHandOut(at now: Date, visibilityTimeout: TimeInterval, maxAttempts: Int) -> HandOut {
        guard isOpen(at: now), isVisible(at: now), attempts < maxAttempts else { return .withheld }
        return .counted(attempt: attempts + 1, hiddenUntil: now.addingTimeInterval(visibilityTimeout))
    }

    /// A hand-out to a stream at `now`: as to the inbox, or again as the last hand-out (its
    /// attempt and time) while still hidden from it.
    public func streamHandOut(at now: Date, visibilityTimeout: TimeInterval, maxAttempts: Int) -> HandOut {
        guard isOpen(at: now) else { return .withheld }
        if !isVisible(at: now) { return .repeated(attempt: attempts, deliveredAt: lastDeliveredAt ?? now.asStored) }
        return inboxHandOut(at: now, visibilityTimeout: visibilityTimeout, maxAttempts: maxAttempts)
    }

    /// Whether the timers dead-letter it at `now`: neither acknowledged nor dead-lettered,
    /// handed out `maxAttempts` times or more, and visible again (its last visibility period
    /// or deferral over). Expiry does not matter: one that used up its attempts is reported as
    /// such, and its message's expiry then leaves it alone.
    public func isExhausted(at now: Date, maxAttempts: Int) -> Bool {
        acknowledgedAt == nil && deadLetteredAt == nil && attempts >= maxAttempts && isVisible(at: now)
    }
}
