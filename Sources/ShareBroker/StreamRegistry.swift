import Foundation
import ShareLocking
import ShareModel

/// Which agencies have a delivery stream open now, on this process or, as the store's stream
/// presence says, on another broker process sharing the store. A message published to such an
/// agency is handed out to its streams in the publish transaction itself, so each stream only
/// has to read it, instead of every stream writing its own hand-out for every message.
///
/// Presence elsewhere is a shortcut that is never needed for a delivery to arrive: a delivery
/// handed out at publish to an agency whose streams have gone is handed out again once its
/// visibility period ends, and one not handed out at publish is handed out by the stream.
final class StreamRegistry: Sendable {
    private struct State {
        /// This process's open streams, by agency.
        var open: [AgencyID: Int] = [:]
        /// Agencies streaming on other processes, until when their presence there lasts.
        var elsewhere: [AgencyID: ContinuousClock.Instant] = [:]
    }

    private let state = Locked(State())
    private let changed: AsyncStream<Void>.Continuation
    /// Yields when this process's first stream for an agency opens or its last one closes
    /// (and whenever `nudge()` asks), coalesced: what the presence loop waits for.
    let changes: AsyncStream<Void>

    /// This process's name in the store's stream presence.
    let node = UUID()

    init() {
        (changes, changed) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Counts a stream as open for as long as the returned lease exists.
    func lease(for agency: AgencyID) -> StreamLease {
        let first = state.withLock { state in
            state.open[agency, default: 0] += 1
            return state.open[agency] == 1
        }
        if first { nudge() }
        return StreamLease(registry: self, agency: agency)
    }

    /// How many streams are open on this process, across all agencies.
    var count: Int {
        state.withLock { $0.open.values.reduce(0, +) }
    }

    /// The agencies with a stream open on this process.
    var openHere: Set<AgencyID> {
        state.withLock { Set($0.open.keys) }
    }

    /// The agencies among `agencies` with at least one open stream, here or elsewhere.
    func streaming(among agencies: [AgencyID]) -> Set<AgencyID> {
        let now = ContinuousClock.now
        return state.withLock { state in
            Set(agencies.filter { state.open[$0] != nil || state.elsewhere[$0].map { $0 > now } == true })
        }
    }

    /// Replaces what is known of streams elsewhere with `presence` (each agency's remaining
    /// lease, in seconds) read at `now`.
    func streamingElsewhere(_ presence: [AgencyID: TimeInterval], readAt now: ContinuousClock.Instant) {
        state.withLock { $0.elsewhere = presence.mapValues { now + .seconds($0) } }
    }

    /// Wakes the presence loop.
    func nudge() {
        changed.yield()
    }

    fileprivate func release(_ agency: AgencyID) {
        let last = state.withLock { state in
            let remaining = state.open[agency, default: 1] - 1
            state.open[agency] = remaining > 0 ? remaining : nil
            return remaining <= 0
        }
        if last { nudge() }
    }
}

/// One open stream's place in the registry, given up when the stream is released.
final class StreamLease: Sendable {
    private let registry: StreamRegistry
    private let agency: AgencyID

    fileprivate init(registry: StreamRegistry, agency: AgencyID) {
        self.registry = registry
        self.agency = agency
    }

    deinit {
        registry.release(agency)
    }
}
