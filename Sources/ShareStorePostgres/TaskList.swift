import ShareLocking

/// Tasks a store started and ends when it closes.
final class TaskList: Sendable {
    private let tasks = Locked<[Task<Void, Never>]>([])

    func add(_ task: Task<Void, Never>) {
        tasks.withLock { $0.append(task) }
    }

    /// Cancels every task and waits for each to end.
    func cancelAll() async {
        let all = tasks.withLock { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in all {
            task.cancel()
            await task.value
        }
    }
}
