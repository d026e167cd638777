import Foundation
import Synchronization
import Testing

@testable import RightsRegistry

/// The PostgreSQL store's deadline for getting a pooled connection: one watcher task for every
/// waiting request instead of a timer task each (issue 16).
@Suite("Connection deadlines")
struct LeaseDeadlinesTests {
    @Test(
        "a deadline passes after its timeout, not before; a withdrawn one never does; the watcher stops when nothing waits and starts again"
    )
    func deadlines() async throws {
        let deadlines = LeaseDeadlines(timeout: .milliseconds(300), tick: .milliseconds(20))
        let expired = Mutex<[String]>([])
        let start = ContinuousClock.now
        let passedAt = Mutex<Duration?>(nil)
        _ = deadlines.add {
            expired.withLock { $0.append("waiting") }
            passedAt.withLock { $0 = ContinuousClock.now - start }
        }
        let withdrawn = deadlines.add { expired.withLock { $0.append("answered") } }
        deadlines.remove(withdrawn)
        #expect(deadlines.isWatching)
        // Up to 30 s: on a loaded two-core machine running the whole suite, the watcher's task
        // was once not scheduled for 5 s (the expectations on when it fires stay as they are).
        for _ in 0..<1_500 where deadlines.isWatching { try await Task.sleep(for: .milliseconds(20)) }
        #expect(expired.withLock { $0 } == ["waiting"])
        let passed = try #require(passedAt.withLock { $0 })
        #expect(passed >= .milliseconds(300), "passed early: \(passed)")
        #expect(!deadlines.isWatching && deadlines.count == 0, "the watcher ends once nothing waits")

        // Used again: a new watcher; many requests answered in time leave nothing behind.
        let keys = (0..<1_000).map { _ in deadlines.add { expired.withLock { $0.append("late") } } }
        #expect(deadlines.isWatching && deadlines.count == 1_000)
        await withTaskGroup(of: Void.self) { group in
            for key in keys { group.addTask { deadlines.remove(key) } }
        }
        #expect(deadlines.count == 0)
        for _ in 0..<1_500 where deadlines.isWatching { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!deadlines.isWatching)
        #expect(expired.withLock { $0 } == ["waiting"])
    }
}
