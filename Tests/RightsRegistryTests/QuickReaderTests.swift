import Foundation
import GRDB
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The file store's reads on the calling thread (issue 16) must never wait there: a read that
/// cannot be made at once is made the awaited way, with the same answer.
@Suite("Quick reads")
struct QuickReaderTests {
    /// Where the tests' database files go; removed with them when the suite's value goes.
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory("rights-quick") }

    func fileStore() async throws -> (SQLiteRegistryStore, String) {
        let path = directory.file("\(UUID().uuidString).sqlite")
        let store = try SQLiteRegistryStore(path: path)
        for round in 0..<3 {
            var policy = RegistryPolicy.default
            policy.objectionDays = 15 + round
            _ = try await store.append(
                [try EntryDraft(event: PolicySet(policy: policy), time: "2026-11-20T10:00:00+08:00", actor: "test")],
                expectedSize: UInt64(round))
        }
        return (store, path)
    }

    @Test("a read that would have to wait for a lock fails at once, and the caller reads elsewhere")
    func lockedDatabase() async throws {
        // A WAL reader waits only in rare moments (recovery after a crash, another process's
        // exclusive lock); a rollback-journal database shows the same wait on demand: a writer
        // in an exclusive transaction keeps every reader out until it ends.
        let path = directory.file("lock.sqlite")
        let writer = try DatabaseQueue(path: path)
        try await writer.write { db in try db.execute(sql: "CREATE TABLE t (x); INSERT INTO t VALUES (1)") }
        let quick = try QuickReader(path: path)
        #expect(try quick.read { db in try Int.fetchOne(db, sql: "SELECT x FROM t") } == 1)

        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN EXCLUSIVE; UPDATE t SET x = 2")
            let started = ContinuousClock.now
            #expect(try quick.read { db in try Int.fetchOne(db, sql: "SELECT x FROM t") } == nil)
            #expect(ContinuousClock.now - started < .seconds(1))
            try db.execute(sql: "COMMIT")
        }
        #expect(try quick.read { db in try Int.fetchOne(db, sql: "SELECT x FROM t") } == 2)
    }

    @Test("a read while every quick connection is in use is made on the pool, with the same answer")
    func connectionInUse() async throws {
        let (_, path) = try await fileStore()
        let count = "SELECT COUNT(*) FROM log_entries"
        let one = try QuickReader(path: path, connections: 1)
        #expect(try one.read { _ in try one.read { db in try Int.fetchOne(db, sql: count) } } == .some(nil))
        let two = try QuickReader(path: path, connections: 2)
        let nested = try two.read { _ in
            try two.read { _ in try two.read { db in try Int.fetchOne(db, sql: count) } }
        }
        #expect(nested == .some(.some(nil)))
        #expect(try two.read { _ in try two.read { db in try Int.fetchOne(db, sql: count) } } == .some(3))

        let (store, _) = try await fileStore()
        let sizes = try await withThrowingTaskGroup(of: UInt64.self) { group in
            for _ in 0..<200 { group.addTask { try await store.size() } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(sizes == Array(repeating: 3, count: 200))
    }

    @Test("a second store on the same file reads every append of the first at once (no stale answer)")
    func anotherWriter() async throws {
        let (writer, path) = try await fileStore()
        let reader = try SQLiteRegistryStore(path: path)
        let policy = PolicyRecord.key(PolicyRecord.singletonKey)
        for round in 3..<40 {
            #expect(try await reader.size() == UInt64(round))
            let current = try await reader.document(policy)
            #expect(current?["policy"]?["objection_days"] == .number(Double(15 + round - 1)))
            #expect(current?["set_at"] == .number(Double(round - 1)))
            var next = RegistryPolicy.default
            next.objectionDays = 15 + round
            _ = try await writer.append(
                [try EntryDraft(event: PolicySet(policy: next), time: "2026-11-20T10:00:00+08:00", actor: "test")],
                expectedSize: UInt64(round))
        }
    }

    @Test("only bounded queries are read on the calling thread: a page, or the rows of one right or party")
    func boundedQueries() {
        #expect(SQLiteRegistryStore.isBounded([.equals("right_id", "R")], limit: nil))
        #expect(SQLiteRegistryStore.isBounded([.equals("holder", "H"), .equals("kind", "homestead")], limit: nil))
        #expect(SQLiteRegistryStore.isBounded([.hasPrefix("region", "33")], limit: 50))
        #expect(!SQLiteRegistryStore.isBounded([.equals("kind", "contract-land")], limit: nil))
        #expect(!SQLiteRegistryStore.isBounded([.equals("collective", "C")], limit: nil))
        #expect(!SQLiteRegistryStore.isBounded([.hasPrefix("region", "33")], limit: nil))
        #expect(!SQLiteRegistryStore.isBounded([.isIn("status", ["current"])], limit: 500))
        #expect(!SQLiteRegistryStore.isBounded([], limit: nil))
    }
}
