import Synchronization

/// The deadlines of the requests waiting for a pooled connection, watched by one task per store
/// that runs only while some request waits. A timer task per query — what this replaces — cost
/// about 7% of the server's CPU under a bank-search load (a task, a dispatch timer and its
/// cancellation for every read), for a deadline that almost never passes.
final class LeaseDeadlines: Sendable {
    private struct Waiting {
        let due: ContinuousClock.Instant
        let expire: @Sendable () -> Void
    }
    private struct State {
        var waiting: [UInt64: Waiting] = [:]
        var next: UInt64 = 0
        var watching = false
    }
    private let state = Mutex(State())
    /// How long a request may wait, and how often the watcher looks: a deadline passes up to
    /// `tick` late.
    let timeout: Duration
    let tick: Duration

    init(timeout: Duration, tick: Duration = .milliseconds(100)) {
        self.timeout = timeout
        self.tick = tick
    }

    /// Calls `expire` once `timeout` has passed, unless `remove`d first. Returns the key to
    /// remove it with.
    func add(_ expire: @escaping @Sendable () -> Void) -> UInt64 {
        let due = ContinuousClock.now + timeout
        let (key, start) = state.withLock { state -> (UInt64, Bool) in
            state.next += 1
            state.waiting[state.next] = Waiting(due: due, expire: expire)
            defer { state.watching = true }
            return (state.next, !state.watching)
        }
        if start { Task { await self.watch() } }
        return key
    }

    func remove(_ key: UInt64) {
        state.withLock { _ = $0.waiting.removeValue(forKey: key) }
    }

    /// How many deadlines are being watched (for tests).
    var count: Int { state.withLock { $0.waiting.count } }
    var isWatching: Bool { state.withLock { $0.watching } }

    /// Expires what is due every `tick`; ends when nothing waits.
    private func watch() async {
        while true {
            try? await Task.sleep(for: tick)
            let now = ContinuousClock.now
            let (expired, idle) = state.withLock { state -> ([Waiting], Bool) in
                let due = state.waiting.filter { $0.value.due <= now }
                for key in due.keys { state.waiting[key] = nil }
                if state.waiting.isEmpty { state.watching = false }
                return (Array(due.values), !state.watching)
            }
            for waiting in expired { waiting.expire() }
            if idle { return }
        }
    }
}
