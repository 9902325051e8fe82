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
    /// What a waiter waits for: deliveries for an agency's streams or for its inbox, or only the close.
    private enum Topic: Hashable {
        case stream(AgencyID)
        case inbox(AgencyID)
        case closing
    }

    /// How a waiter takes its share of new deliveries.
    enum Waiter {
        /// Woken by every signal (a delivery stream).
        case stream
        /// Woken by a signal only when no inbox poller before it is (an inbox long poll).
        case inbox
    }

    private struct State {
        var generations: [AgencyID: UInt64] = [:]
        var waiters: [Topic: [Int: CheckedContinuation<Void, Never>]] = [:]
        var cancelled: Set<Int> = []
        var nextWaiter = 0
        var closed = false
    }

    private let state = Locked(State())

    func generation(of agency: AgencyID) -> UInt64 {
        state.withLock { $0.generations[agency, default: 0] }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// One new delivery for each of these agencies: wakes all their streams and, for each,
    /// the inbox poller that has waited longest.
    func signal(_ agencies: [AgencyID]) {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            var woken: [CheckedContinuation<Void, Never>] = []
            for agency in agencies {
                state.generations[agency, default: 0] &+= 1
                woken += state.waiters.removeValue(forKey: .stream(agency))?.values.map { $0 } ?? []
                if let first = state.waiters[.inbox(agency)]?.keys.min(),
                   let poller = state.waiters[.inbox(agency)]?.removeValue(forKey: first) {
                    woken.append(poller)
                }
            }
            return woken
        }
        woken.forEach { $0.resume() }
    }

    /// Ends every wait now and every later wait at once: the broker is stopping.
    func close() {
        let woken = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.closed = true
            defer { state.waiters = [:] }
            return state.waiters.values.flatMap(\.values)
        }
        woken.forEach { $0.resume() }
    }

    /// Returns when the agency's generation has moved past `generation` (at once if it already
    /// has) and this waiter is woken, after `timeout`, on cancellation, or when the notifier
    /// closes, whichever is first. One continuation and one timer per wait, no child tasks:
    /// streams wait after nearly every delivery.
    func wait(_ waiter: Waiter, for agency: AgencyID, after generation: UInt64, timeout: Duration) async {
        await waitForSignal(waiter == .stream ? .stream(agency) : .inbox(agency), after: generation, timeout: timeout)
    }

    /// Returns when the notifier closes, or on cancellation.
    func waitUntilClosed() async {
        await waitForSignal(.closing, after: 0, timeout: nil)
    }

    private func waitForSignal(_ topic: Topic, after generation: UInt64, timeout: Duration?) async {
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
                    case .closing:
                        break
                    }
                    state.waiters[topic, default: [:]][id] = continuation
                    return false
                }
                if resumeNow {
                    continuation.resume()
                } else if let timeout {
                    let (seconds, attoseconds) = timeout.components
                    let nanoseconds = min(max(0, seconds), 1 << 30) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
                    DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
                        self.endWait(id, topic)
                    }
                }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiting = state.waiters[topic]?.removeValue(forKey: id) { return waiting }
                state.cancelled.insert(id)
                return nil
            }
            continuation?.resume()
        }
        state.withLock { _ = $0.cancelled.remove(id) }
    }

    /// Resumes waiter `id` if it is still waiting (its timeout has come).
    private func endWait(_ id: Int, _ topic: Topic) {
        state.withLock { $0.waiters[topic]?.removeValue(forKey: id) }?.resume()
    }
}
