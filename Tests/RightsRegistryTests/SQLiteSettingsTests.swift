import Foundation
import GRDB
import Testing

@testable import RightsRegistry

/// How the file store's connections are set up: what survives power loss, and the writer's cache.
/// (GRDB sets a pool's writer to `synchronous = NORMAL` when it turns WAL on, after the
/// configuration's set-up has run: until this test, every file store committed without syncing.)
@Suite("SQLite settings")
struct SQLiteSettingsTests {
    @Test(
        "the writer syncs in full and caches 32 MiB of pages; a scratch store does not sync, readers keep the default")
    func connections() async throws {
        let path = NSTemporaryDirectory() + "rights-settings-\(UUID().uuidString).sqlite"
        let store = try SQLiteRegistryStore(path: path)
        // synchronous: 2 is FULL (DESIGN §6); cache_size is negative KiB.
        #expect(try await store.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        #expect(
            try await store.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
                == -SQLiteRegistryStore.writerCacheKiB)
        #expect(try await store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") } == -2000)

        let scratch = try SQLiteRegistryStore(path: path + "-scratch", scratch: true)
        #expect(try await scratch.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 0)
        for file in [path, path + "-scratch"] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
    }
}
