import Dispatch
import ShareLocking
import ShareModel

/// Wakes long polls and delivery streams when deliveries for their agency are committed,
/// and ends them all when the broker stops.
///
/// Each agency has a generation number that every signal increases. A poller reads the
/// generation before it looks in the store and waits only while it is unchanged, so a
/// delivery committed between the look and the wait is never missed.
///
/// Every stream of an agency is woken by each signal, as each stream carries every delivery.
/// Inbox long polls share the deliveries: one signal (one new delivery) wakes the one that
/// has waited longest, so the others do not all look in the store for a single delivery.
final class DeliveryNotifier: Sendable {
    /// What a waiter waits for: deliveries for an agency's streams or for its inbox.
    private enum Topic: Hashable {
        case stream(AgencyID)
        case inbox(AgencyID)
    }

    /// How a waiter takes its share of new deliveries.
    enum Waiter {
        /// Woken by every signal (a delivery stream).
        case stream
        /// Woken by a signal only when no inbox poller before it is (an inbox long poll).
        case inbox
    }

    /// What a stream's mailbox holds: deliveries pushed from publishes since the stream last
    /// looked, and whether anything else happened that only the store can tell.
    struct Mail {
        var deliveries: [PushedDelivery] = []
        /// A signal came without a delivery pushed for each of its recipients (from another
        /// process, a timer, or a publish not handed out to streams), or the mailbox overflowed.
        var needsRead = false
    }

    /// Pushed deliveries a mailbox holds at most; beyond, it is emptied and the stream reads
    /// the store (a stream whose client does not keep up holds no more memory than this).
    static let mailboxLimit = 64

    /// A waiter with a timeout, as `WaitDeadlines` keeps it.
    private struct Waiting: Hashable {
        let id: Int
        let topic: Topic
    }

    private struct State {
        var generations: [AgencyID: UInt64] = [:]
        var mailboxes: [AgencyID: [Int: Mail]] = [:]
        var waiters: [Topic: [Int: CheckedContinuation<Void, Never>]] = [:]
        var deadlines = WaitDeadlines<Waiting>()
        var cancelled: Set<Int> = []
        var nextWaiter = 0
        var closed = false
        /// Run once, when the notifier closes (`whenClosed`).
        var onClose: [@Sendable () -> Void] = []
        /// Set for the earliest bucket of `deadlines`; ends the waits due when it fires.
        var timer: (any DispatchSourceTimer)?

        /// Sets the timer to fire at `uptime` (nanoseconds).
        func setTimer(_ uptime: UInt64) {
            timer?.schedule(deadline: DispatchTime(uptimeNanoseconds: uptime))
        }
    }

    private let state: Locked<State>

    init() {
        let state = Locked(State())
        self.state = state
        state.withLock { locked in
            let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "sharebroker.wait-timeouts"))
            timer.setEventHandler { [weak state] in
                if let state { Self.endDueWaits(in: state) }
            }
            timer.resume()
            locked.timer = timer
        }
    }

    deinit {
        state.withLock { $0.timer?.cancel() }
    }

    func generation(of agency: AgencyID) -> UInt64 {
        state.withLock { $0.generations[agency, default: 0] }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// One new delivery for each of these agencies: wakes all their streams and, for each,
    /// the inbox poller that has waited longest. `pushed` are those of the deliveries handed out
    /// at publish that the streams' mailboxes receive; a recipient with fewer pushed than
    /// signalled has its mailboxes told to read the store.
    func signal(_ agencies: [AgencyID], pushed: [PushedDelivery] = []) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            if !state.mailboxes.isEmpty {
                Self.post(agencies, pushed: pushed, to: &state.mailboxes)
            }
            for agency in agencies {
                state.generations[agency, default: 0] &+= 1
                for (id, stream) in state.waiters.removeValue(forKey: .stream(agency)) ?? [:] {
                    state.deadlines.remove(Waiting(id: id, topic: .stream(agency)))
                    woken.append(stream)
                }
                if let first = state.waiters[.inbox(agency)]?.keys.min(),
                   let poller = state.waiters[.inbox(agency)]?.removeValue(forKey: first) {
                    state.deadlines.remove(Waiting(id: first, topic: .inbox(agency)))
                    woken.append(poller)
                }
            }
            return woken
        }
        woken.forEach { $0.resume() }
    }

    /// Puts each pushed delivery in its recipient's mailboxes, and marks the mailboxes of a
    /// recipient signalled more often than pushed to as needing a read.
    private static func post(_ agencies: [AgencyID], pushed: [PushedDelivery], to mailboxes: inout [AgencyID: [Int: Mail]]) {
        var signalled: [AgencyID: Int] = [:]
        for agency in agencies where mailboxes[agency] != nil {
            signalled[agency, default: 0] += 1
        }
        guard !signalled.isEmpty else { return }
        let byRecipient = Dictionary(grouping: pushed, by: \.recipient)
        for (agency, count) in signalled {
            let mine = byRecipient[agency] ?? []
            mailboxes[agency] = mailboxes[agency]?.mapValues { mail in
                let deliveries = mail.deliveries + mine
                guard mine.count == count, deliveries.count <= mailboxLimit else { return Mail(needsRead: true) }
                return Mail(deliveries: deliveries, needsRead: mail.needsRead)
            }
        }
    }

    /// Opens a mailbox for one of the agency's streams: from now on it receives the agency's
    /// pushed deliveries until it is closed.
    func openMailbox(for agency: AgencyID) -> Int {
        state.withLock { state in
            state.nextWaiter += 1
            state.mailboxes[agency, default: [:]][state.nextWaiter] = Mail()
            return state.nextWaiter
        }
    }

    /// Empties mailbox `id` of the agency, returning what it held.
    func takeMail(_ id: Int, for agency: AgencyID) -> Mail {
        state.withLock { state in
            guard let mail = state.mailboxes[agency]?[id] else { return Mail(needsRead: true) }
            state.mailboxes[agency]![id] = Mail()
            return mail
        }
    }

    /// Closes mailbox `id` of the agency.
    func closeMailbox(_ id: Int, for agency: AgencyID) {
        state.withLock { state in
            state.mailboxes[agency]?.removeValue(forKey: id)
            if state.mailboxes[agency]?.isEmpty == true { state.mailboxes.removeValue(forKey: agency) }
        }
    }

    /// Ends every wait now and every later wait at once: the broker is stopping.
    func close() {
        let (woken, actions) = state.withLock { state -> ([CheckedContinuation<Void, Never>], [@Sendable () -> Void]) in
            state.closed = true
            state.deadlines = WaitDeadlines()
            defer {
                state.waiters = [:]
                state.onClose = []
            }
            return (state.waiters.values.flatMap(\.values), state.onClose)
        }
        woken.forEach { $0.resume() }
        actions.forEach { $0() }
    }

    /// Runs `action` when the notifier closes (at once if it has): no task waits for it.
    func whenClosed(_ action: @escaping @Sendable () -> Void) {
        let now = state.withLock { state -> Bool in
            if state.closed { return true }
            state.onClose.append(action)
            return false
        }
        if now { action() }
    }

    /// Returns when the agency's generation has moved past `generation` (at once if it already
    /// has) and this waiter is woken, after `timeout`, on cancellation, or when the notifier
    /// closes, whichever is first. One continuation per wait, no child tasks, and one timer
    /// for all the waits' timeouts (`WaitDeadlines`): streams wait after nearly every delivery.
    func wait(_ waiter: Waiter, for agency: AgencyID, after generation: UInt64, timeout: Duration) async {
        await waitForSignal(waiter == .stream ? .stream(agency) : .inbox(agency), after: generation, timeout: timeout)
    }

    private func waitForSignal(_ topic: Topic, after generation: UInt64, timeout: Duration) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.closed || state.cancelled.remove(id) != nil {
                        return true
                    }
                    switch topic {
                    case .stream(let agency), .inbox(let agency):
                        if state.generations[agency, default: 0] != generation { return true }
                    }
                    state.waiters[topic, default: [:]][id] = continuation
                    let (seconds, attoseconds) = timeout.components
                    let nanoseconds = min(max(0, seconds), 1 << 30) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
                    let due = DispatchTime.now().uptimeNanoseconds + UInt64(nanoseconds)
                    if let timerAt = state.deadlines.add(Waiting(id: id, topic: topic), dueAt: due) {
                        state.setTimer(timerAt)
                    }
                    return false
                }
                if resumeNow {
                    continuation.resume()
                }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiting = state.waiters[topic]?.removeValue(forKey: id) {
                    state.deadlines.remove(Waiting(id: id, topic: topic))
                    return waiting
                }
                state.cancelled.insert(id)
                return nil
            }
            continuation?.resume()
        }
        state.withLock { _ = $0.cancelled.remove(id) }
    }

    /// The timer fired: resumes the waiters whose timeout has come, and sets the timer for the next.
    private static func endDueWaits(in state: Locked<State>) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            let (due, next) = state.deadlines.takeDue(at: DispatchTime.now().uptimeNanoseconds)
            if let next { state.setTimer(next) }
            return due.compactMap { state.waiters[$0.topic]?.removeValue(forKey: $0.id) }
        }
        woken.forEach { $0.resume() }
    }
}
