import Foundation
import ShareLocking
import ShareStore

/// A thread that owns one SQLite connection and runs jobs on it in order.
///
/// A writer worker commits in groups: it takes every job waiting, runs them in one
/// transaction (each inside its own savepoint, so one failing job does not undo the others),
/// commits once (one fsync for the group), and only then answers each job. A job's caller is
/// answered only after the commit that holds its change. A job run with `patience` may wait
/// that long for another job to share its commit, while only such jobs are waiting.
final class SQLiteWorker: Sendable {
    private struct State {
        var queue: [Job] = []
        var closed = false
    }

    private let state = Locked(State())
    private let wakeUp = NSCondition()
    private let transactional: Bool
    private let maxGroupSize: Int
    private let finished = Locked<CheckedContinuation<Void, Never>?>(nil)

    /// Runs `open` on the new thread to open the connection before any job. `name`
    /// names the thread for `top -H`, `ps` and profilers (at most 15 bytes, as Linux allows).
    init(name: String, transactional: Bool, maxGroupSize: Int = 256,
         open: @escaping @Sendable () throws -> SQLiteConnection) throws {
        self.transactional = transactional
        self.maxGroupSize = maxGroupSize
        let opened = OpenResult()
        let thread = Thread { [self] in
            Self.nameCurrentThread(name)
            do {
                let connection = try open()
                opened.signal(nil)
                self.loop(connection)
            } catch {
                opened.signal(error)
            }
            finished.withLock { $0?.resume() }
        }
        thread.start()
        if let error = opened.wait() { throw error }
    }

    /// Names the calling thread for the system (`top -H`, `ps`, profilers), as proc(5) lets a
    /// thread do through its own `comm`. Not `Thread.current.name`: Foundation passes that on
    /// only once `start()` has recorded the thread, which the new thread can outrun (a test saw
    /// the writer unnamed in about one run of six); a name set before `start()` is dropped.
    private static func nameCurrentThread(_ name: String) {
        guard let comm = FileHandle(forWritingAtPath: "/proc/thread-self/comm") else { return }
        try? comm.write(contentsOf: Data(name.utf8))
        try? comm.close()
    }

    /// Runs `body` on the worker's connection and returns its result once it is committed.
    /// With `patience`, the job waits up to that long for a job without patience to commit
    /// with it (it is run at once if one is already waiting).
    func run<T: Sendable>(patience: Duration? = nil, _ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(body: body, continuation: continuation, patientUntil: patience.map { ContinuousClock.now + $0 })
            let accepted = state.withLock { state -> Bool in
                guard !state.closed else { return false }
                state.queue.append(job)
                return true
            }
            guard accepted else {
                continuation.resume(throwing: StoreError(.closed, "The store is shutting down."))
                return
            }
            wakeUp.lock()
            wakeUp.signal()
            wakeUp.unlock()
        }
    }

    /// Finishes the jobs already queued, then closes the connection and returns once the thread has ended.
    func close() async {
        await withCheckedContinuation { continuation in
            finished.withLock { $0 = continuation }
            state.withLock { $0.closed = true }
            wakeUp.lock()
            wakeUp.signal()
            wakeUp.unlock()
        }
    }

    private func takeJobs() -> [Job]? {
        while true {
            let (jobs, closed, until) = state.withLock { state -> ([Job], Bool, ContinuousClock.Instant?) in
                if !state.closed, let until = Self.patientUntil(state.queue), ContinuousClock.now < until {
                    return ([], false, until)
                }
                let count = min(state.queue.count, maxGroupSize)
                let jobs = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                return (jobs, state.closed, nil)
            }
            if !jobs.isEmpty { return jobs }
            if closed { return nil }
            wakeUp.lock()
            let unchanged = state.withLock { state in
                !state.closed && (until == nil ? state.queue.isEmpty : Self.patientUntil(state.queue) != nil)
            }
            if unchanged {
                let wait = until.map { ContinuousClock.now.duration(to: $0) } ?? .seconds(1)
                _ = wakeUp.wait(until: Date().addingTimeInterval(Double(wait.components.attoseconds) / 1e18 + Double(wait.components.seconds)))
            }
            wakeUp.unlock()
        }
    }

    /// When the first of `queue`'s jobs stops waiting for company, if every job in it is patient.
    private static func patientUntil(_ queue: [Job]) -> ContinuousClock.Instant? {
        guard !queue.isEmpty else { return nil }
        var earliest: ContinuousClock.Instant?
        for job in queue {
            guard let until = job.patientUntil else { return nil }
            earliest = min(earliest ?? until, until)
        }
        return earliest
    }

    private func loop(_ connection: SQLiteConnection) {
        while let jobs = takeJobs() {
            if transactional {
                runGroup(jobs, on: connection)
            } else {
                for job in jobs {
                    let result = job.execute(connection)
                    connection.resetStatements()
                    job.complete(result)
                }
            }
        }
    }

    private func runGroup(_ jobs: [Job], on connection: SQLiteConnection) {
        var remaining = jobs[...]
        while !remaining.isEmpty {
            do {
                try connection.control("BEGIN IMMEDIATE")
            } catch {
                let failure = Self.storeError(error)
                remaining.forEach { $0.complete(.failure(failure)) }
                return
            }
            var done: [(Job, Result<any Sendable, any Error>)] = []
            var aborted = false
            while let job = remaining.first {
                remaining = remaining.dropFirst()
                let result = job.executeInSavepoint(connection)
                if case .failure = result, connection.isAutocommit {
                    // SQLite rolled the whole transaction back (for example on a full disk):
                    // the jobs before this one are undone too.
                    aborted = true
                    let failure = StoreError(.unavailable, "The store could not write; nothing in this group was stored.")
                    done.forEach { $0.0.complete(.failure(failure)) }
                    job.complete(result.mapError { Self.storeError($0) })
                    break
                }
                done.append((job, result))
            }
            if aborted { continue }
            do {
                try connection.control("COMMIT")
                done.forEach { $0.0.complete($0.1) }
            } catch {
                try? connection.execute("ROLLBACK")
                let failure = Self.storeError(error)
                done.forEach { $0.0.complete(.failure(failure)) }
            }
        }
    }

    /// Store errors pass through; SQLite failures to write become `.unavailable`, saying what to
    /// do when the store is full.
    static func storeError(_ error: any Error) -> any Error {
        if let sqlite = error as? SQLiteError, sqlite.isUnavailable {
            if sqlite.isFull { return StoreError(.unavailable, "\(sqlite.fullStoreAdvice) Nothing was changed.") }
            return StoreError(.unavailable, "The store could not write (\(sqlite.description)); nothing was changed.")
        }
        return error
    }
}

/// A queued call with its continuation.
private struct Job: Sendable {
    let execute: @Sendable (SQLiteConnection) -> Result<any Sendable, any Error>
    let complete: @Sendable (Result<any Sendable, any Error>) -> Void
    /// Until when the job waits for a job without patience to share its commit (nil: it does not wait).
    let patientUntil: ContinuousClock.Instant?

    init<T: Sendable>(body: @escaping @Sendable (SQLiteConnection) throws -> T, continuation: CheckedContinuation<T, any Error>,
                      patientUntil: ContinuousClock.Instant?) {
        self.patientUntil = patientUntil
        execute = { connection in Result { try body(connection) } }
        complete = { result in
            continuation.resume(with: result.map { $0 as! T }.mapError { SQLiteWorker.storeError($0) })
        }
    }

    func executeInSavepoint(_ connection: SQLiteConnection) -> Result<any Sendable, any Error> {
        do {
            try connection.control("SAVEPOINT job")
        } catch {
            return .failure(error)
        }
        let result = execute(connection)
        connection.resetStatements()
        switch result {
        case .success:
            if (try? connection.control("RELEASE job")) == nil { return .failure(StoreError(.unavailable, "savepoint release failed")) }
        case .failure:
            if !connection.isAutocommit {
                try? connection.execute("ROLLBACK TO job")
                try? connection.execute("RELEASE job")
            }
        }
        return result
    }
}

/// Hands the outcome of opening the connection back to the creating thread.
private final class OpenResult: Sendable {
    private let condition = NSCondition()
    private let outcome = Locked<(done: Bool, error: (any Error)?)>((false, nil))

    func signal(_ error: (any Error)?) {
        condition.lock()
        outcome.withLock { $0 = (true, error) }
        condition.signal()
        condition.unlock()
    }

    func wait() -> (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        while !outcome.withLock({ $0.done }) { condition.wait() }
        return outcome.withLock { $0.error }
    }
}
