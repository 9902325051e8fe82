import ShareLocking
import ShareModel

/// Which agencies have a delivery stream open now. A message published to such an agency is
/// handed out to its streams in the publish transaction itself, so each stream only has to
/// read it, instead of every stream writing its own hand-out for every message.
final class StreamRegistry: Sendable {
    private let open = Locked<[AgencyID: Int]>([:])

    /// Counts a stream as open for as long as the returned lease exists.
    func lease(for agency: AgencyID) -> StreamLease {
        open.withLock { $0[agency, default: 0] += 1 }
        return StreamLease(registry: self, agency: agency)
    }

    /// How many streams are open, across all agencies.
    var count: Int {
        open.withLock { $0.values.reduce(0, +) }
    }

    /// The agencies among `agencies` with at least one open stream.
    func streaming(among agencies: [AgencyID]) -> Set<AgencyID> {
        open.withLock { open in Set(agencies.filter { open[$0] != nil }) }
    }

    fileprivate func release(_ agency: AgencyID) {
        open.withLock { open in
            let remaining = open[agency, default: 1] - 1
            open[agency] = remaining > 0 ? remaining : nil
        }
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
