import Foundation
import Logging
import PostgresNIO
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// A PostgreSQL append at the end this process's own last append left is one statement that
/// writes only if the log has not moved and still ends with the checkpoint that append signed
/// (issue 16); these tests hold it to falling back to the append under the lock whenever the
/// log moved or its last checkpoint is not that one.
@Suite("PostgreSQL: the log's end an append left", .enabled(if: TestStore.postgresURL != nil))
struct PostgresOwnEndTests {
    static let logger = Logger(label: "rights.test")

    /// The latest checkpoint signs the tree the database holds.
    static func expectCheckpointMatchesTheLog(_ t: TestRegistry, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let size = try await t.store.size()
        var range = CompactRange()
        for entry in try await t.store.entries(0..<size) { _ = range.append(entry.leafHash) }
        let latest = try #require(try await t.store.latestCheckpoint())
        let signed = try Checkpoint.open(latest.note, verifier: t.keys.noteVerifier)
        #expect(signed.size == size, sourceLocation: sourceLocation)
        #expect(signed.root == range.root, sourceLocation: sourceLocation)
    }

    @Test(
        "after its own append a store appends in one statement at the end it left; after another process's append, under the lock and after that entry"
    )
    func otherProcess() async throws {
        let (location, t) = try await TestRegistry.onNewStore(.postgres)
        let store = try #require(t.store as? PostgresRegistryStore)
        let other = t.sibling(on: try await TestStore.postgres.open(location))
        let start = store.ownEndAppends
        let first = try await t.act(t.contract(0, 1), TestRegistry.mortgage())
        let second = try await t.act(t.contract(0, 2), TestRegistry.mortgage())
        #expect(second.index == first.index + 1)
        #expect(store.ownEndAppends == start + 2, "each in one statement at the end the append before left")
        try await Self.expectCheckpointMatchesTheLog(t)

        let theirs = try await other.act(t.contract(0, 3), TestRegistry.mortgage())
        #expect(theirs.index == second.index + 1)
        let mine = try await t.act(t.contract(0, 4), TestRegistry.mortgage())
        #expect(mine.index == theirs.index + 1, "after the other process's entry")
        #expect(store.ownEndAppends == start + 2, "the log had moved: appended under the lock")
        try await Self.expectCheckpointMatchesTheLog(t)
        #expect(try await t.registry.reads.right(t.contract(0, 3)) != nil)
        #expect(try await t.violations().isEmpty)

        try await t.act(t.contract(1, 1), TestRegistry.mortgage())
        #expect(store.ownEndAppends == start + 3, "its own end again")
        try await Self.expectCheckpointMatchesTheLog(t)
        for h in 1...4 {
            #expect(try await t.reads.encumbrances(on: t.contract(0, h)).count == 1, "household \(h)'s mortgage")
        }
    }

    /// How a checkpoint is put behind the program's back after its own append at `size`: the
    /// older note signed before, validly signed, in the place of the latest, or after it.
    enum Forgery: String, CaseIterable, Sendable {
        case replaced, added

        func sql(size: UInt64, older note: String) -> PostgresQuery {
            switch self {
            case .replaced: "UPDATE checkpoints SET note = \(note) WHERE size = \(Int64(size))"
            case .added: "INSERT INTO checkpoints (size, note) VALUES (\(Int64(size + 1)), \(note))"
            }
        }
    }

    @Test(
        "an append whose log no longer ends with the checkpoint its own append signed writes nothing in one statement, and under the lock refuses to sign",
        arguments: Forgery.allCases)
    func forgedCheckpoint(_ forgery: Forgery) async throws {
        let (_, t) = try await TestRegistry.onNewStore(.postgres)
        let store = try #require(t.store as? PostgresRegistryStore)
        try await t.act(t.contract(0, 1), TestRegistry.mortgage())
        let size = try await store.size()
        let older = try #require(try await store.checkpoint(covering: size - 1))
        #expect(older.size == size - 1)
        _ = try await store.connected { connection in
            try await connection.query(forgery.sql(size: size, older: older.note), logger: Self.logger)
        }
        let appends = store.ownEndAppends
        await #expect(throws: RegistryError(code: "integrity.checkpoint", message: "")) {
            try await t.act(t.contract(0, 2), TestRegistry.mortgage())
        }
        #expect(store.ownEndAppends == appends, "not in one statement")
        #expect(try await store.size() == size, "nothing written")
    }
}
