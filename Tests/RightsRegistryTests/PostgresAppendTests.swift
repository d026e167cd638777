import Foundation
import Logging
import PostgresNIO
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// The PostgreSQL append reads what it needs in the statement that takes the log's lock
/// (issue 16). That statement's snapshot is taken before the lock is granted, so what it read
/// is used only when no append committed while it waited; these tests make one commit then.
@Suite("PostgreSQL append under another writer", .enabled(if: TestStore.postgresURL != nil))
struct PostgresAppendTests {
    /// A connection of its own to the store at `location` (another writer).
    func connect(_ location: String) async throws -> PostgresConnection {
        let postgres = try PostgresLocation(url: location)
        var configuration = PostgresConnection.Configuration(
            host: postgres.host, port: postgres.port, username: postgres.user, password: postgres.password,
            database: postgres.database, tls: .disable)
        if let schema = postgres.schema {
            configuration.options.additionalStartupParameters = [("search_path", schema)]
        }
        return try await PostgresConnection.connect(configuration: configuration, id: 7, logger: Self.logger)
    }
    static let logger = Logger(label: "rights.test")

    @Test(
        "an append that waited for the lock while another writer committed reads what that writer wrote, in one statement or several",
        arguments: [1, 8_000])
    func appendAfterWaiting(entries: Int) async throws {
        let (location, t) = try await TestRegistry.onNewStore(.postgres)
        let size = try await t.store.size()
        let right = t.contract(0, 1)
        // The other writer's entry: a leaf at `size` with the subtree hashes it completes, and
        // the watch its event started (since 999, so it is told apart from one made here).
        let edge = CompactRange.subtrees(size: size)
        let stored = try await t.store.hashes(of: edge)
        var range = CompactRange(size: size, hashes: try edge.map { try MerkleTree.stored($0, in: stored) })
        let leaf = TreeHash.leaf(Array("another writer's entry".utf8))
        let completed = range.append(leaf)
        let watch = Watch(party: "银行甲", right: right, since: 999)
        let document = String(decoding: try JSONValueEncoder().canonicalBytes(watch), as: UTF8.self)

        let writer = try await connect(location)
        let observer = try await connect(location)
        // Closed whatever happens: an unclosed connection is a crash (an assertion), not a failure.
        do {
            let writerPID = try #require(
                try await writer.query("SELECT pg_backend_pid()", logger: Self.logger).collect().first?.decode(
                    Int32.self))
            try await writer.query("BEGIN", logger: Self.logger)
            try await writer.query("SELECT size FROM log_head FOR UPDATE", logger: Self.logger)
            // This registry's search (alone, or with 7,999 more entries: more writes than one
            // statement takes) waits for the lock, its statement's snapshot already taken.
            let registry = t.registry
            let search = Task {
                let searched = CollateralSearched(
                    right: right, party: "银行甲", purpose: "贷前审查", holderMatch: true, certificate: nil)
                guard entries > 1 else { return try await registry.record(searched, actor: "bank:甲") }
                let more = [any RegistryEvent](repeating: PolicySet(policy: .default), count: entries - 1)
                let result = try await registry.append([searched] + more, actor: "bank:甲")
                return (result.entries[0], try #require(result.checkpoint))
            }
            var waiting = 0
            for _ in 0..<500 where waiting == 0 {
                try await Task.sleep(for: .milliseconds(10))
                // Only the sessions waiting for this writer (other tests share the database).
                let rows = try await observer.query(
                    "SELECT count(*)::int4 FROM pg_stat_activity WHERE \(writerPID) = ANY(pg_blocking_pids(pid))",
                    logger: Self.logger
                ).collect()
                waiting = Int(try rows.first?.decode(Int32.self) ?? 0)
            }
            #expect(waiting == 1, "the search's append waits for the other writer's lock")
            let key = Watch.key(party: watch.party, right: right)
            try await writer.query(
                "INSERT INTO watches (key, party, right_id, doc) VALUES (\(key), \(watch.party), \(right.rawValue), \(document))",
                logger: Self.logger)
            try await writer.query(
                """
                INSERT INTO log_entries (idx, leaf_hash, subtree_hashes, body)
                VALUES (\(Int64(size)), \(ByteBuffer(bytes: leaf.bytes)), \(ByteBuffer(bytes: completed.flatMap(\.bytes))), \(ByteBuffer(bytes: Array("{}".utf8))))
                """, logger: Self.logger)
            try await writer.query("UPDATE log_head SET size = \(Int64(size + 1))", logger: Self.logger)
            try await writer.query("COMMIT", logger: Self.logger)

            let (entry, checkpoint) = try await search.value
            #expect(entry.index == size + 1, "appended after the other writer's entry")
            #expect(checkpoint.size == size + 1 + UInt64(entries))
            #expect(try await t.store.size() == size + 1 + UInt64(entries))
            let kept = try #require(try await t.store.document(Watch.key(key)))
            #expect(
                try JSONValueDecoder().decode(Watch.self, from: kept).since == 999, "the other writer's watch is kept")
        } catch {
            try? await writer.close()
            try? await observer.close()
            throw error
        }
        try await writer.close()
        try await observer.close()
    }
}
