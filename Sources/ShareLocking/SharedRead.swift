/// A read that may be slow or may not end (a store's count or probe while the database holds a
/// lock or stops answering), shared by the callers that ask while it runs: at most one is in
/// flight, and each caller waits for it at most a limit. So a store that does not answer keeps
/// no caller waiting past its limit, and callers that keep asking (a load balancer's probe every
/// second, a scrape every few) join the read already waiting instead of piling up new ones.
public final class SharedRead<Value: Sendable>: Sendable {
    private struct Waiter {
        let continuation: CheckedContinuation<Result<Value, any Error>?, Never>
        let timer: Task<Void, Never>
    }

    private struct State {
        var reading = false
        var waiters: [UInt64: Waiter] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Locked(State())

    public init() {}

    /// The result of the read in flight, or of `read` started now when none is; nil when it has
    /// not ended within `limit`. A read that outlasts its callers' limits goes on, and the next
    /// call waits for it rather than starting another.
    public func result(within limit: Duration, of read: @escaping @Sendable () async throws -> Value) async
        -> Result<Value, any Error>? {
        await withCheckedContinuation { continuation in
            let starts = state.withLock { current in
                let id = current.nextWaiter
                current.nextWaiter += 1
                let timer = Task { [self] in
                    guard (try? await Task.sleep(for: limit)) != nil else { return }
                    state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: nil)
                }
                current.waiters[id] = Waiter(continuation: continuation, timer: timer)
                defer { current.reading = true }
                return !current.reading
            }
            if starts {
                Task { [self] in
                    let result: Result<Value, any Error>
                    do {
                        result = .success(try await read())
                    } catch {
                        result = .failure(error)
                    }
                    let waiters = state.withLock { current in
                        current.reading = false
                        defer { current.waiters = [:] }
                        return Array(current.waiters.values)
                    }
                    for waiter in waiters {
                        waiter.timer.cancel()
                        waiter.continuation.resume(returning: result)
                    }
                }
            }
        }
    }
}
