import NIOCore

/// Runs an HTTP/1.1 connection's task on the event loop that reads and writes its channel.
///
/// Without it, each request crossed from the event loop to Swift's global pool and each answer
/// back again: two thread hand-overs per request, and more per delivery on a stream. With a
/// connection's task preferring this executor, parsing a request, checking and answering it
/// happen on the loop that read it; only the store's own threads are crossed
/// (docs/concurrency.md, "Threads a message crosses").
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
