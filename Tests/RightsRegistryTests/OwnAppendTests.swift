import Foundation
import GRDB
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// A SQLite append takes the log's end its own last append left when nothing has been written
/// since (issue 16); these tests hold it to reading the end again after any other write, and to
/// signing only checkpoints of the tree the file holds.
@Suite("SQLite: the log's end an append left")
struct OwnAppendTests {
    let directory: TemporaryDirectory
    let path: String
    let keys: KeyRing
    let checkpointer: Checkpointer

    init() throws {
        directory = try TemporaryDirectory("rights-own-append")
        path = directory.file("registry.sqlite")
        keys = try KeyRing.generate(origin: "test.example/own-append")
        checkpointer = Checkpointer(keys: keys)
    }

    static func draft(_ days: Int) throws -> EntryDraft {
        var policy = RegistryPolicy.default
        policy.objectionDays = days
        return try EntryDraft(event: PolicySet(policy: policy), time: "2026-11-20T10:00:00+08:00", actor: "test")
    }

    /// Appends one entry with a checkpoint signed by this test's checkpointer.
    func append(_ days: Int, to store: SQLiteRegistryStore, expectedSize: UInt64? = nil) async throws -> UInt64 {
        try await store.append([try Self.draft(days)], expectedSize: expectedSize, checkpoint: checkpointer).size
    }

    /// The latest checkpoint signs the tree the file holds.
    func expectCheckpointMatchesTheLog(_ store: SQLiteRegistryStore, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let size = try await store.size()
        var range = CompactRange()
        for entry in try await store.entries(0..<size) { _ = range.append(entry.leafHash) }
        let latest = try #require(try await store.latestCheckpoint())
        let signed = try Checkpoint.open(latest.note, verifier: keys.noteVerifier)
        #expect(signed.size == size, sourceLocation: sourceLocation)
        #expect(signed.root == range.root, sourceLocation: sourceLocation)
    }

    @Test("after its own append a store takes the log's end from it; after another process's commit it reads the end")
    func otherConnection() async throws {
        let store = try SQLiteRegistryStore(path: path)
        let other = try SQLiteRegistryStore(path: path)
        #expect(try await append(21, to: store) == 1)
        let reads = store.endReads
        #expect(try await append(22, to: store) == 2)
        #expect(try await append(23, to: store) == 3)
        #expect(store.endReads == reads, "nothing written since its own appends: the end they left")
        try await expectCheckpointMatchesTheLog(store)

        #expect(try await append(30, to: other) == 4)
        #expect(try await append(24, to: store) == 5)
        #expect(store.endReads == reads + 1, "another connection committed: the end read again")
        try await expectCheckpointMatchesTheLog(store)
    }

    @Test("a row this store's own connection changed outside an append makes the next append read and check the end")
    func ownConnection() async throws {
        let store = try SQLiteRegistryStore(path: path)
        _ = try await append(21, to: store)
        _ = try await append(22, to: store)
        let size = try await append(23, to: store)
        let original = try await store.entries(0..<size).map(\.leafHash)
        // A forger with the program's own connection rewrites the last leaf: of a log of three
        // entries, the right edge's last subtree, which the next append extends.
        func setLastLeaf(_ leaf: TreeHash) async throws {
            try await store.writer.write { db in
                try db.execute(
                    sql: "UPDATE log_entries SET leaf_hash = ? WHERE idx = ?",
                    arguments: [Data(leaf.bytes), Int64(size - 1)])
            }
        }
        try await setLastLeaf(.leaf(Array("forged".utf8)))
        let reads = store.endReads
        await #expect(throws: RegistryError(code: "integrity.checkpoint", message: "")) {
            _ = try await append(24, to: store)
        }
        #expect(store.endReads == reads + 1)
        #expect(try await store.size() == size, "nothing written")
        try await setLastLeaf(original[Int(size) - 1])
        #expect(try await append(24, to: store) == size + 1)
        try await expectCheckpointMatchesTheLog(store)
    }

    @Test("an append that is refused leaves the next one to read the end")
    func refused() async throws {
        let store = try SQLiteRegistryStore(path: path)
        _ = try await append(21, to: store)
        let reads = store.endReads
        await #expect(throws: StoreError.sizeChanged(expected: 7, actual: 1)) {
            _ = try await append(22, to: store, expectedSize: 7)
        }
        #expect(store.endReads == reads, "refused for its size, known without reading")
        #expect(try await append(22, to: store, expectedSize: 1) == 2)
        #expect(store.endReads == reads + 1, "the append after a refusal reads the end")
        try await expectCheckpointMatchesTheLog(store)
    }
}
