import NIOCore

/// Runs a task's jobs on a connection's event loop (SE-0417 task executor preference), so a
/// request's round trips to PostgreSQL stay on one thread: the query is written from the loop
/// that owns the socket and the answer resumes the task where it arrived. On the cooperative
/// pool each round trip wakes the loop's thread to write and a pool thread to resume — two
/// hand-offs between threads that cost more than PostgreSQL's own work on a key lookup
/// (BENCHMARKS.md, 2026-11-26).
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
