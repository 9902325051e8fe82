import Foundation
import Logging
import ShareStore

extension Broker {
    /// How long a node's recorded stream presence lasts unless renewed: the longest a node that
    /// died goes on counting as streaming (see `StreamRegistry`).
    static let streamPresenceLease: TimeInterval = 15
    /// How often a node renews its stream presence and rereads the others'; well inside the
    /// lease, so that a live node's presence never lapses between renewals.
    static let streamPresenceRenewal: Duration = .seconds(5)

    /// Keeps this process's stream presence in the store and its view of the other processes'
    /// up to date, until cancelled: at start, when its first stream for an agency opens or its
    /// last one closes, when another process announces a change, and every
    /// `streamPresenceRenewal`. Each round records this process's agencies and then rereads
    /// the others', so one round's reading never overtakes another's.
    public func keepStreamPresence() async {
        streams.nudge()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [streams] in
                while (try? await Task.sleep(for: Self.streamPresenceRenewal)) != nil {
                    streams.nudge()
                }
            }
            for await _ in streams.changes {
                await shareStreamPresence()
            }
            group.cancelAll()
        }
    }

    /// Records that this process has no stream open any more, so that the other processes
    /// stop handing out at publish for its streams at once rather than when its lease ends.
    public func withdrawStreamPresence() async {
        do {
            try await store.holdStreamPresence(node: streams.node, agencies: [], lease: 0)
        } catch {
            logger.warning("Stream presence not withdrawn; it lapses by itself", metadata: ["share.reason": "\(error)"])
        }
    }

    /// One round of `keepStreamPresence`. A failure is logged and left to the next round:
    /// presence only decides which deliveries are handed out at publish.
    private func shareStreamPresence() async {
        do {
            try await store.holdStreamPresence(node: streams.node, agencies: streams.openHere, lease: Self.streamPresenceLease)
            let presence = try await store.streamPresence(otherThan: streams.node)
            streams.streamingElsewhere(presence, readAt: .now)
        } catch {
            logger.warning("Stream presence not shared; it is tried again", metadata: ["share.reason": "\(error)"])
        }
    }
}
