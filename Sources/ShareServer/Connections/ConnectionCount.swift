/// The connections open now, in all and per client address, and the refusals not yet reported:
/// a plain value that answers each new connection with whether to take it, and each refusal
/// with whether to warn now. At most one warning per limit in each `warningInterval`, so a
/// flood of connections cannot flood the log.
struct ConnectionCount {
    /// The limit a refused connection met.
    enum Limit: String, Hashable {
        case maxOpen
        case maxPerAddress
    }

    enum Admission: Equatable {
        case admitted
        /// Refused; `warn` holds how many were refused at this limit since its last warning
        /// when a warning is due now, nil while the last one is recent.
        case refused(Limit, warn: Int?)
    }

    let maxOpen: Int
    let maxPerAddress: Int
    let warningInterval: Duration
    private(set) var open = 0
    /// Admitted connections closed since `takeClosed()` was last called.
    private(set) var closedSinceTaken = 0
    private var perAddress: [String: Int] = [:]
    private var unreported: [Limit: (count: Int, lastWarning: ContinuousClock.Instant?)] = [:]

    init(maxOpen: Int, maxPerAddress: Int, warningInterval: Duration = .seconds(60)) {
        self.maxOpen = maxOpen
        self.maxPerAddress = maxPerAddress
        self.warningInterval = warningInterval
    }

    /// A connection from `address` was accepted at `now`: counted if admitted.
    mutating func opened(from address: String, at now: ContinuousClock.Instant) -> Admission {
        let fromAddress = perAddress[address, default: 0]
        let limit: Limit? = open >= maxOpen ? .maxOpen : fromAddress >= maxPerAddress ? .maxPerAddress : nil
        guard let limit else {
            open += 1
            perAddress[address] = fromAddress + 1
            return .admitted
        }
        var entry = unreported[limit] ?? (0, nil)
        entry.count += 1
        if let last = entry.lastWarning, now - last < warningInterval {
            unreported[limit] = entry
            return .refused(limit, warn: nil)
        }
        unreported[limit] = (0, now)
        return .refused(limit, warn: entry.count)
    }

    /// An admitted connection from `address` closed.
    mutating func closed(from address: String) {
        open -= 1
        closedSinceTaken += 1
        let remaining = perAddress[address, default: 1] - 1
        perAddress[address] = remaining > 0 ? remaining : nil
    }

    /// The admitted connections closed since the last call, and starts counting again.
    mutating func takeClosed() -> Int {
        defer { closedSinceTaken = 0 }
        return closedSinceTaken
    }
}
