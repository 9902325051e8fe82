public import Foundation
import ShareLocking
public import ShareModel

/// Stream presence, kept in memory: the file belongs to one broker process, so there is no
/// other process to tell, and presence rightly ends with the process.
extension SQLiteStore {
    public func holdStreamPresence(node: UUID, agencies: Set<AgencyID>, lease: TimeInterval) async throws {
        presence.hold(node: node, agencies: agencies, until: .now + .seconds(lease))
    }

    public func streamPresence(otherThan node: UUID) async throws -> [AgencyID: TimeInterval] {
        presence.present(otherThan: node, at: .now)
    }
}

/// Each node's recorded presence, with the end of its lease on this process's monotonic clock.
final class StreamPresenceMemory: Sendable {
    private let held = Locked<[UUID: (agencies: Set<AgencyID>, until: ContinuousClock.Instant)]>([:])

    func hold(node: UUID, agencies: Set<AgencyID>, until end: ContinuousClock.Instant) {
        held.withLock { $0[node] = agencies.isEmpty ? nil : (agencies, end) }
    }

    func present(otherThan node: UUID, at now: ContinuousClock.Instant) -> [AgencyID: TimeInterval] {
        held.withLock { held in
            var found: [AgencyID: TimeInterval] = [:]
            for (holder, presence) in held where holder != node && presence.until > now {
                let remaining = (presence.until - now) / .seconds(1)
                for agency in presence.agencies { found[agency] = max(found[agency] ?? 0, remaining) }
            }
            return found
        }
    }
}
