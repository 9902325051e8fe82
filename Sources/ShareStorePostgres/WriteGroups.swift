import PostgresNIO
import ShareLocking

/// One write call's work in a group's transaction: its statements on the group's connection,
/// and what it adds to the group's `LogAppend`. It answers how to make the call's result from
/// where the group's append went (`Appended`), once the group has committed. The `Bool` says
/// whether the call runs again because a key it stored was taken (see `Member.triedAgain`):
/// until then a call may store keys without looking for them first.
typealias GroupedWrite<T> = @Sendable (PostgresConnection, inout LogAppend, Bool) async throws -> @Sendable (Appended) -> T

/// The write calls waiting for a transaction, which one node commits in groups.
///
/// Every write transaction ends by appending to the event record under the lock on
/// `log_head`, held until its commit has been flushed: across the cluster, one write
/// transaction commits per flush. A node therefore runs the write calls waiting at a moment in
/// one transaction, one after another on one connection, with one append and one commit for
/// them all (as the SQLite store's writer does). Calls in a group see each other's changes as
/// if they had run one after the other; their results are given only after the commit.
final class WriteGroups: Sendable {
    /// A waiting call.
    struct Member: Sendable {
        /// Runs the call's work in the group; answers how to give its result after the commit.
        let run: GroupedWrite<Void>
        /// Gives the call an error instead.
        let fail: @Sendable (any Error) -> Void
        /// Whether the call has been tried again already after storing a key that was taken
        /// (committed by another transaction meanwhile, or before it when the call stored it
        /// without looking).
        var triedAgain = false
    }

    private struct State {
        var waiting: [Member] = []
        var running = false
    }

    /// The most calls in one group: enough that a busy node commits many at once, few enough
    /// that a group's transaction stays short.
    private let largest = 64
    private let state = Locked(State())

    /// Adds a call to those waiting; true when no group is running, and the caller must start
    /// the runner (`next()` until it answers nil).
    func add(_ member: Member) -> Bool {
        state.withLock { state in
            state.waiting.append(member)
            guard !state.running else { return false }
            state.running = true
            return true
        }
    }

    /// The calls for the next group, oldest first; nil, when none waits, ends the runner.
    func next() -> [Member]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.running = false
                return nil
            }
            let group = Array(state.waiting.prefix(largest))
            state.waiting.removeFirst(group.count)
            return group
        }
    }
}

/// A group's transaction failed for a reason of its own calls rather than of the connection
/// or of other transactions: the call at `position` failed, or (with no position) the group's
/// append did. The transaction is rolled back; the failed call is answered (or tried once
/// more), and the others run again in a new transaction.
struct GroupFailure: Error {
    let position: Int?
    let error: any Error

    /// Whether PostgreSQL's rolling back for this error says nothing about the calls themselves.
    static func isTransient(_ error: any Error) -> Bool {
        PostgresFailure.isContention(error) || PostgresFailure.isConnectionLost(error)
    }
}
