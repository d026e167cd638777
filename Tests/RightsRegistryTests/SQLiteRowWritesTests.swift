import Foundation
import GRDB
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// How the file store rewrites a projection row it has read (issue 16): only the index columns
/// whose values change. SQLite rewrites an index entry for every column an UPDATE sets, even to
/// the value it had, so a settlement's commit used to write index pages of deals and listings
/// whose indexed values had not moved.
@Suite("SQLite row writes")
struct SQLiteRowWritesTests {
    static let things = EntityTable(name: "things", columns: ["a", "b"])

    /// A store with a table of 20,000 rows indexed on both columns, checkpointed, so a commit's
    /// pages are all in the write-ahead log afterwards.
    static func store() async throws -> (SQLiteRegistryStore, String) {
        let path = NSTemporaryDirectory() + "rights-rows-\(UUID().uuidString).sqlite"
        let store = try SQLiteRegistryStore(path: path)
        try await store.writer.write { db in
            try db.execute(sql: "CREATE TABLE things (key TEXT PRIMARY KEY, a TEXT, b TEXT, doc TEXT NOT NULL)")
            try db.execute(sql: "CREATE INDEX things_a ON things (a)")
            try db.execute(sql: "CREATE INDEX things_b ON things (b)")
            for n in 0..<20_000 {
                // Index values spread over the whole index, so one row's entries share no page; the
                // documents keep their length when rewritten, so no page splits.
                let (a, b) = columns(of: n)
                try db.execute(
                    sql: "INSERT INTO things (key, a, b, doc) VALUES (?, ?, ?, ?)",
                    arguments: ["k\(n)", a, b, #"{"v":1}"#])
            }
        }
        return (store, path)
    }

    /// Row kN's index columns: spread over each index by a different stride.
    static func columns(of n: Int) -> (String, String) { ("a\(n * 7919 % 20_000)", "b\(n * 104_729 % 20_000)") }

    /// The pages the write-ahead log gets from one transaction running `write`.
    static func pages(_ store: SQLiteRegistryStore, _ write: EntityWrite) async throws -> Int {
        try await store.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            try db.inTransaction {
                var rows = RowWriter(db)
                try rows.write(write)
                return .commit
            }
            // (busy, frames in the log, frames checkpointed)
            return try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")![1] as Int
        }
    }

    static func write(_ key: String, a: String, b: String, stored: [String?]?) -> EntityWrite {
        EntityWrite(
            key: EntityKey(table: things, key: key), document: Array(#"{"v":2}"#.utf8), columns: [a, b],
            storedColumns: stored, hadNoRow: false)
    }

    @Test("a row whose index columns keep their values is rewritten on its table's page alone")
    func unchangedColumns() async throws {
        let (store, path) = try await Self.store()
        defer { Self.remove(path) }
        let (a, b) = Self.columns(of: 10)
        let known = try await Self.pages(store, Self.write("k10", a: a, b: b, stored: [a, b]))
        #expect(known == 1)
        // Not knowing what the row held, the store sets every column: both indexes rewritten too.
        let (a11, b11) = Self.columns(of: 11)
        let unknown = try await Self.pages(store, Self.write("k11", a: a11, b: b11, stored: nil))
        #expect(unknown == 3)
        let doc = try await store.writer.read { db in
            try String.fetchOne(db, sql: "SELECT doc FROM things WHERE key = 'k10'")
        }
        #expect(doc == #"{"v":2}"#)
    }

    @Test("a changed column is written and found through its index; a row that is gone is inserted")
    func changedColumns() async throws {
        let (store, path) = try await Self.store()
        defer { Self.remove(path) }
        let (a, b) = Self.columns(of: 12)
        // b moves: the table's page and b's two index pages (the old entry and the new), not a's.
        let moved = try await Self.pages(store, Self.write("k12", a: a, b: "b-moved", stored: [a, b]))
        #expect(moved == 3)
        let found = try await store.writer.read { db in
            (
                try String.fetchAll(db, sql: "SELECT key FROM things INDEXED BY things_b WHERE b = 'b-moved'"),
                try String.fetchAll(db, sql: "SELECT key FROM things INDEXED BY things_b WHERE b = ?", arguments: [b]),
                try String.fetchAll(db, sql: "SELECT key FROM things INDEXED BY things_a WHERE a = ?", arguments: [a])
            )
        }
        #expect(found.0 == ["k12"])
        #expect(found.1 == [])
        #expect(found.2 == ["k12"])
        // Told of a stored row that is not there, the store inserts it.
        _ = try await Self.pages(store, Self.write("new", a: "a-new", b: "b-new", stored: ["x", "y"]))
        let inserted = try store.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT a, b, doc FROM things WHERE key = 'new'")
        }
        #expect(inserted?["a"] == "a-new")
        #expect(inserted?["b"] == "b-new")
        #expect(inserted?["doc"] == #"{"v":2}"#)
    }

    static func remove(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    @Test(
        "a row bound with SQLite's own calls keeps its text, bytes and NULLs; a failed one throws SQLite's error and leaves the statement reusable"
    )
    func boundRows() async throws {
        let directory = try TemporaryDirectory("rights-bind")
        let store = try SQLiteRegistryStore(path: directory.file("registry.sqlite"))
        try await store.writer.write { db in
            try db.execute(
                sql: "CREATE TABLE t (key TEXT PRIMARY KEY, note TEXT, n INTEGER, raw BLOB, doc TEXT NOT NULL)")
            let insert = try db.cachedStatement(sql: "INSERT INTO t (key, note, n, raw, doc) VALUES (?, ?, ?, ?, ?)")
            let document = Array(#"{"田":"东至\"河\""}"#.utf8)
            try insert.run(db) { row in
                row.text("k1", at: 1)
                row.text(nil, at: 2)
                row.integer(1 << 40, at: 3)
                row.blob([0, 255, 7], at: 4)
                row.text(utf8: document, at: 5)
            }
            let first = try #require(try Row.fetchOne(db, sql: "SELECT * FROM t WHERE key = 'k1'"))
            #expect(first["note"] == nil as String?)
            #expect(first["n"] == (1 << 40) as Int64)
            #expect(first["raw"] == Data([0, 255, 7]))
            #expect(first["doc"] == String(decoding: document, as: UTF8.self))
            // The same key again: SQLite's constraint error, named, and nothing written.
            #expect {
                try insert.run(db) { row in
                    row.text("k1", at: 1)
                    row.text(utf8: document, at: 5)
                }
            } throws: { error in
                (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT
                    && (error as? DatabaseError)?.message?.contains("UNIQUE") == true
            }
            // A bind out of range fails the same way, before any step.
            #expect {
                try insert.run(db) { row in row.text("k9", at: 9) }
            } throws: { error in (error as? DatabaseError)?.resultCode == .SQLITE_RANGE }
            // Reset, with no bindings left over: the next row's unbound columns are NULL.
            try insert.run(db) { row in
                row.text("k2", at: 1)
                row.text(utf8: document, at: 5)
            }
            let second = try #require(try Row.fetchOne(db, sql: "SELECT * FROM t WHERE key = 'k2'"))
            #expect(second["n"] == nil as Int64?)
            #expect(second["raw"] == nil as Data?)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") == 2)
        }
    }

    @Test(
        "a row read by key with SQLite's own calls gives its text and NULLs, none when there is no row, SQLite's error for a failed bind; the statement is reusable after each"
    )
    func readRows() async throws {
        let directory = try TemporaryDirectory("rights-read")
        let store = try SQLiteRegistryStore(path: directory.file("registry.sqlite"))
        try await store.writer.write { db in
            try db.execute(sql: "CREATE TABLE t (key TEXT PRIMARY KEY, a TEXT, b TEXT, doc TEXT NOT NULL)")
            try db.execute(
                sql: "INSERT INTO t VALUES ('k1', '东至河', NULL, ?), ('k2', 'x', 'y', '{}')",
                arguments: [#"{"田":"\u0000\"𝄞"}"#])
            let load = try db.cachedStatement(sql: "SELECT doc, a, b FROM t WHERE key = ?")
            func read(_ key: String) throws -> [String?]? {
                try load.first(db, { $0.text(key, at: 1) }, read: { row in (0..<3).map { row.text(CInt($0)) } })
            }
            #expect(try read("k1") == [#"{"田":"\u0000\"𝄞"}"#, "东至河", nil])
            #expect(try read("none") == nil)
            #expect(try read("k2") == ["{}", "x", "y"])
            #expect {
                try load.first(db, { $0.text("k1", at: 2) }, read: { $0.text(0) })
            } throws: { error in (error as? DatabaseError)?.resultCode == .SQLITE_RANGE }
            // Reset with no bindings left: an unbound key matches nothing, a bound one its row.
            #expect(try load.first(db, { _ in }, read: { $0.text(0) }) == nil)
            #expect(try read("k2") == ["{}", "x", "y"])
        }
        // Through the store's own reads: the document and index columns by key.
        let row = try await store.writer.read { db in
            try SQLiteRegistryStore.row(EntityKey(table: EntityTable(name: "t", columns: ["a", "b"]), key: "k2"), db)
        }
        #expect(row?.document == .object([:]))
        #expect(row?.columns == ["x", "y"])
    }
}
