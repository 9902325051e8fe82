import Foundation
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
        /// Until when the call may wait for a call without patience to share its group, while
        /// only calls with patience wait (`CommitSharing`); nil: it waits for none.
        let patientUntil: ContinuousClock.Instant?
        /// Whether the call may run statements of its own before the group's append. A group
        /// whose calls run none (and none of which is tried again) needs no transaction around
        /// its append: the append is then one statement that commits on its own.
        let runsStatements: Bool
        /// Whether the call has been tried again already after storing a key that was taken
        /// (committed by another transaction meanwhile, or before it when the call stored it
        /// without looking).
        var triedAgain = false
    }

    private struct State {
        var waiting: [Member] = []
        var running = false
        /// The runner, while it waits for company for patient calls (`pause(until:)`).
        var paused: CheckedContinuation<Void, Never>?
    }

    /// Whether `members` run in a transaction (`BEGIN`, their statements, the append, `COMMIT`),
    /// or only the append is sent, committing on its own: a round trip to PostgreSQL and back
    /// through the node's tasks for each of `BEGIN` and `COMMIT` saved, and the lock on
    /// `log_head` released by PostgreSQL as it commits rather than when the commit's answer
    /// has come back.
    static func needTransaction(_ members: [Member]) -> Bool {
        members.contains { $0.runsStatements || $0.triedAgain }
    }

    /// What the runner does next.
    enum Next {
        /// Runs these calls, oldest first, in one group.
        case run([Member])
        /// Waits (`pause(until:)`): every waiting call is patient until then.
        case wait(until: ContinuousClock.Instant)
    }

    /// The most calls in one group: enough that a busy node commits many at once, few enough
    /// that a group's transaction stays short.
    private let largest = 64
    private let state = Locked(State())

    /// Adds a call to those waiting; true when no group is running, and the caller must start
    /// the runner (`next()` until it answers nil). A call without patience wakes a paused runner.
    func add(_ member: Member) -> Bool {
        let (start, paused) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            state.waiting.append(member)
            guard !state.running else {
                guard member.patientUntil == nil else { return (false, nil) }
                defer { state.paused = nil }
                return (false, state.paused)
            }
            state.running = true
            return (true, nil)
        }
        paused?.resume()
        return start
    }

    /// What the runner does next; nil, when no call waits, ends the runner.
    func next() -> Next? {
        state.withLock { state in
            guard !state.waiting.isEmpty else {
                state.running = false
                return nil
            }
            if let until = Self.patientUntil(state.waiting), ContinuousClock.now < until {
                return .wait(until: until)
            }
            let group = Array(state.waiting.prefix(largest))
            state.waiting.removeFirst(group.count)
            return .run(group)
        }
    }

    /// Returns at `deadline`, or sooner when a call without patience comes.
    func pause(until deadline: ContinuousClock.Instant) async {
        let alarm = Task { [self] in
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            state.withLock { state in
                defer { state.paused = nil }
                return state.paused
            }?.resume()
        }
        await withCheckedContinuation { continuation in
            // The alarm finds no one to wake only once the deadline has passed.
            let waits = state.withLock { state in
                guard ContinuousClock.now < deadline, Self.patientUntil(state.waiting) != nil else { return false }
                state.paused = continuation
                return true
            }
            if !waits { continuation.resume() }
        }
        alarm.cancel()
    }

    /// When the first of `waiting` stops waiting for company, if every one of them is patient.
    private static func patientUntil(_ waiting: [Member]) -> ContinuousClock.Instant? {
        var earliest: ContinuousClock.Instant?
        for member in waiting {
            guard let until = member.patientUntil else { return nil }
            earliest = min(earliest ?? until, until)
        }
        return earliest
    }
}

/// A group's transaction failed for a reason of its own calls rather than of the connection
/// or of other transactions: the call at `position` failed, or (with no position) the group's
/// append did. The transaction is rolled back; the failed call is answered (or tried once
/// more), and the others run again in a new transaction.
struct GroupFailure: Error {
    let position: Int?
    let error: any Error
    /// The new messages the group's append held, with the position of the call that added
    /// each: when the append fails on a key, those already stored show which calls to run
    /// again looking for their ids first.
    var messageAdders: [UUID: Int] = [:]

    /// Whether PostgreSQL's rolling back for this error says nothing about the calls themselves.
    static func isTransient(_ error: any Error) -> Bool {
        PostgresFailure.isContention(error) || PostgresFailure.isConnectionLost(error)
    }
}
