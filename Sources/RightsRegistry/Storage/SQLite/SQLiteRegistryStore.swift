import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The embedded store: one SQLite file through GRDB, in WAL mode with `synchronous=FULL` so an
/// acknowledged act survives power loss. One writer at a time (SQLite's own lock, taken with
/// `BEGIN IMMEDIATE`, so separate processes are serialised too); readers run beside it.
public final class SQLiteRegistryStore: RegistryStore {
    let writer: any DatabaseWriter
    /// Short reads on the calling thread (file registries only; nil for the in-memory queue,
    /// where reads and writes share one connection).
    private let quick: QuickReader?

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    /// A `scratch` database (the audit's replay target) skips durable syncing: it is thrown away.
    /// Without `migrate`, a database whose schema is behind is refused with
    /// `StoreError.migrationsPending`.
    public convenience init(
        path: String, migrations: [StoreMigration] = SQLiteSchema.registry, migrate: Bool = true, scratch: Bool = false
    ) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Set up after GRDB's own set-up: a pool's writer is put in WAL mode with `synchronous =
        // NORMAL` after `prepareDatabase` has run, which kept a commit through a crash of this
        // process but not through a power loss (every file store ran that way until this was found).
        try pool.writeWithoutTransaction { db in try Self.setUpWriter(db, durable: !scratch) }
        try self.init(writer: pool, quick: QuickReader(path: pool.path), migrations: migrations, migrate: migrate)
    }

    /// The writing connection's page cache, in KiB: 32 MiB instead of SQLite's 2 MiB (issue 16).
    /// An append reads and writes the B-trees of the log and of a dozen projection tables and
    /// indexes; with the default cache, an import's batch read again, from the file, pages it had
    /// just written (−5 % of the import's time with this; the readers keep the default).
    public static let writerCacheKiB = 32_768

    /// A private in-memory database: the scratch store of audits and tests.
    public convenience init(inMemory migrations: [StoreMigration] = SQLiteSchema.registry) throws {
        try self.init(writer: DatabaseQueue(), migrations: migrations)
    }

    init(writer: any DatabaseWriter, quick: QuickReader? = nil, migrations: [StoreMigration], migrate: Bool = true)
        throws
    {
        self.writer = writer
        self.quick = quick
        guard migrate else {
            let pending = try writer.read { db in try Self.pendingMigrations(migrations, db) }
            if !pending.isEmpty { throw StoreError.migrationsPending(pending.map(\.name)) }
            return
        }
        // One transaction that takes the write lock first (BEGIN IMMEDIATE): two programs
        // migrating the same file at once take turns, and the second finds nothing to do.
        try writer.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let pending = try Self.pendingMigrations(migrations, db)
                guard !pending.isEmpty else { return .commit }
                // The table GRDB's migrator kept, so files it migrated carry on.
                try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
                for migration in pending {
                    try db.execute(sql: migration.sql)
                    try db.execute(
                        sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [migration.name])
                }
                return .commit
            }
        }
    }

    /// `migrations` not yet applied; throws if the file has one this program does not know.
    static func pendingMigrations(_ migrations: [StoreMigration], _ db: Database) throws -> [StoreMigration] {
        let applied: Set<String> =
            try db.tableExists("grdb_migrations")
            ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
        if let unknown = applied.subtracting(migrations.map(\.name)).sorted().first {
            throw StoreError.newerSchema(unknown)
        }
        return migrations.filter { !applied.contains($0.name) }
    }

    /// The writing connection's settings. An acknowledged act must survive power loss (DESIGN §6):
    /// in WAL mode `synchronous = FULL` syncs the log file at every commit. A scratch store (the
    /// audit's replay target) is thrown away and does not sync.
    static func setUpWriter(_ db: Database, durable: Bool) throws {
        try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = OFF")
        try db.execute(sql: "PRAGMA cache_size = -\(writerCacheKiB)")
    }

    /// The database path, for messages.
    public var path: String { writer.path }

    // MARK: Log

    /// A read bounded by a key or a small limit: on the calling thread when it can be made at
    /// once (`QuickReader`), awaited on the reader pool otherwise.
    private func quickRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        if let quick, let value = try quick.read(body) { return value }
        return try await writer.read(body)
    }

    public func size() async throws -> UInt64 {
        try await quickRead { db in try Self.size(db) }
    }

    static func size(_ db: Database) throws -> UInt64 {
        let last = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(idx) FROM log_entries"))
        return last.map { UInt64($0) + 1 } ?? 0
    }

    public func logRows(_ range: Range<UInt64>) async throws -> [StoredLogRow] {
        guard !range.isEmpty else { return [] }
        return try await writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql:
                        "SELECT idx, leaf_hash, subtree_hashes, body FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx"
                ),
                arguments: [Int64(range.lowerBound), Int64(range.upperBound)]
            ).map { row in
                StoredLogRow(
                    index: UInt64(row["idx"] as Int64), leafHash: Array(row["leaf_hash"] as Data),
                    subtreeHashes: Array(row["subtree_hashes"] as Data), body: Array(row["body"] as Data))
            }
        }
    }

    public func hashes(of subtrees: [Subtree]) async throws -> [Subtree: TreeHash] {
        try await quickRead { db in try Self.hashes(of: subtrees, db) }
    }

    /// One query for all the rows that hold the subtrees' hashes (about 2 log₂ n of them).
    static func hashes(of subtrees: [Subtree], _ db: Database) throws -> [Subtree: TreeHash] {
        var result: [Subtree: TreeHash] = [:]
        let leaves = Array(Set(subtrees.map { Int64($0.lastLeaf) }))
        guard !leaves.isEmpty else { return result }
        let placeholders = Array(repeating: "?", count: leaves.count).joined(separator: ",")
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT idx, leaf_hash, subtree_hashes FROM log_entries WHERE idx IN (\(placeholders))"),
            arguments: StatementArguments(listing: leaves))
        let byIndex = Dictionary(uniqueKeysWithValues: rows.map { (UInt64($0["idx"] as Int64), $0) })
        for subtree in subtrees {
            let row = byIndex[subtree.lastLeaf]
            result[subtree] = try subtree.storedHash(
                leafHash: row?["leaf_hash"], subtreeHashes: row?["subtree_hashes"])
        }
        return result
    }

    public func append(
        _ drafts: [EntryDraft], expectedSize: UInt64?, checkpoint: Checkpointer?, projection: Projection?
    ) async throws -> AppendResult {
        try await writer.writeWithoutTransaction { db in
            // Taken, not read: an append that fails leaves the next to read the log's end.
            let remembered = lastAppend.withLock { $0.take() }
            var result: (AppendResult, OwnAppend?)?
            try db.inTransaction(.immediate) {
                result = try self.append(
                    drafts, expectedSize: expectedSize, checkpoint: checkpoint, projection: projection,
                    remembered: remembered, db)
                return .commit
            }
            let (appended, own) = result!
            lastAppend.withLock { $0 = own }
            return appended
        }
    }

    /// The log's end as this store's last append left it, and what the writing connection read
    /// of the database at that append's end (issue 16: reading the log's right edge and the
    /// latest checkpoint and checking one against the other took a fifth of a settlement).
    ///
    /// If, in the next append's transaction, neither another connection has committed (SQLite's
    /// `data_version`) nor this one changed a row (its count of changes), the database is as
    /// that append committed it: the log's end is the one it wrote, and the checkpoint check it
    /// made over that end still holds — no root needs recomputing. Any other write in between,
    /// another process's or this connection's own (a tool's append, a repair), and the end is
    /// read and checked as before.
    struct OwnAppend {
        let end: LogEnd
        /// Held, not only identified: the check was made with its keys.
        let checkpointer: Checkpointer
        let dataVersion: Int64
        let changes: Int

        /// The end, if `db` shows no write since and the same checkpointer signs.
        func end(for checkpointer: Checkpointer?, _ db: Database) throws -> LogEnd? {
            guard let checkpointer, checkpointer === self.checkpointer else { return nil }
            let (dataVersion, changes) = try SQLiteRegistryStore.writeMarks(db)
            return dataVersion == self.dataVersion && changes == self.changes ? end : nil
        }
    }
    private let lastAppend = Mutex<OwnAppend?>(nil)
    /// Log ends an append read from the database, not from `lastAppend` (for its tests).
    private let endReadCount = Atomic<Int>(0)
    var endReads: Int { endReadCount.load(ordering: .relaxed) }
    /// Rows `projectionRows` was asked for (for its tests).
    private let rowsAskedCount = Atomic<Int>(0)
    var rowsAsked: Int { rowsAskedCount.load(ordering: .relaxed) }

    /// What tells the writing connection whether the database changed since it last read these:
    /// commits by other connections (`data_version`) and rows its own statements changed.
    static func writeMarks(_ db: Database) throws -> (dataVersion: Int64, changes: Int) {
        let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        return (version, db.totalChangesCount)
    }

    private func append(
        _ drafts: [EntryDraft], expectedSize: UInt64?, checkpoint: Checkpointer?, projection: Projection?,
        remembered: OwnAppend?, _ db: Database
    ) throws -> (AppendResult, OwnAppend?) {
        let known = try remembered?.end(for: checkpoint, db)
        let size = try known?.size ?? Self.size(db)
        for expected in [expectedSize, projection?.size].compactMap(\.self) where expected != size {
            throw StoreError.sizeChanged(expected: expected, actual: size)
        }
        let end: LogEnd
        if let known {
            end = known
        } else {
            endReadCount.add(1, ordering: .relaxed)
            let latest = checkpoint == nil ? nil : try Self.latestCheckpoint(db)
            end = try LogEnd(
                size: size, latest: latest,
                hashes: try Self.hashes(of: LogEnd.subtrees(size: size, latest: latest), db))
            try checkpoint?.verify(end)
        }
        var range = end.range
        var batch: [(LogEntry, any RegistryEvent)] = []
        let insert = try db.cachedStatement(
            sql: "INSERT INTO log_entries (idx, leaf_hash, subtree_hashes, body) VALUES (?, ?, ?, ?)")
        // By position: `enumerated` copied every draft (and retained its parts) first.
        for position in drafts.indices {
            let placed = drafts[position].placed(at: size + UInt64(position))
            let (entry, leaf) = (placed.entry, placed.leaf)
            let completed = range.append(leaf)
            try insert.run(db) { row in
                row.integer(Int64(entry.index), at: 1)
                row.blob(leaf.bytes, at: 2)
                row.blob(completed.flatMap(\.bytes), at: 3)
                row.blob(entry.bytes, at: 4)
            }
            batch.append((entry, drafts[position].event))
        }
        if let projection {
            // By position: a for-in copied every write (and retained its parts) first.
            let writes = projection.writes
            var rows = RowWriter(db)
            for position in writes.indices { try rows.write(writes[position]) }
        } else {
            try project(batch, db)
        }
        for (mark, value) in EntryDraft.commits(drafts, from: size) {
            try db.cachedStatement(
                sql:
                    "INSERT INTO side_records (tbl, key, value) VALUES (?, ?, ?) ON CONFLICT(tbl, key) DO UPDATE SET value = excluded.value"
            ).execute(arguments: [EntryDraft.requestCommits, mark, Data(value)])
        }
        let signed = try checkpoint?.sign(size: range.size, root: range.root)
        if let signed { try Self.save(signed, db) }
        let result = AppendResult(entries: batch.map(\.0), size: range.size, root: range.root, checkpoint: signed)
        guard let checkpoint, let signed else { return (result, nil) }
        // Read last in the transaction: nobody else can commit while it holds the write lock,
        // and its own commit changes neither mark.
        let (dataVersion, changes) = try Self.writeMarks(db)
        let own = OwnAppend(
            end: LogEnd(range, signed: signed), checkpointer: checkpoint, dataVersion: dataVersion,
            changes: changes)
        return (result, own)
    }

    /// Loads what the events touch, applies them, writes the changed rows.
    private func project(_ batch: [(LogEntry, any RegistryEvent)], _ db: Database) throws {
        var state = ProjectionState()
        for key in Projector.touchedKeys(batch) {
            let row = try Self.row(key, db)
            state.load(key, document: row?.document, columns: row?.columns)
        }
        var rows = RowWriter(db)
        for write in try Projector.apply(batch, to: &state) { try rows.write(write) }
    }

    public func applyLogged(_ entries: [(LogEntry, any RegistryEvent)]) async throws {
        try await writer.write { db in try self.project(entries, db) }
    }

    /// SQLite is given the documents' bytes as they are: nothing to make beforehand.
    public func preparing(_ projection: Projection, entries: Int) -> Projection { projection }

    public func projectionRows(_ keys: [EntityKey]) async throws -> [EntityKey: StoredRow] {
        rowsAskedCount.add(keys.count, ordering: .relaxed)
        guard !keys.isEmpty else { return [:] }
        return try await writer.read { db in
            var rows: [EntityKey: StoredRow] = [:]
            for key in keys {
                guard let row = try Self.row(key, db) else { continue }
                rows[key] = StoredRow(document: row.document, columns: row.columns)
            }
            return rows
        }
    }

    public func clearProjections(_ tables: [EntityTable]) async throws {
        try await writer.write { db in
            for table in tables { try db.execute(sql: "DELETE FROM \(table.name)") }
        }
    }

    // MARK: Projection rows

    static func document(_ key: EntityKey, _ db: Database) throws -> JSONValue? {
        let statement = try db.cachedStatement(sql: statements(key.table).document)
        // `doc` is NOT NULL; were one NULL, it would fail to parse as the empty text.
        guard let text = try statement.first(db, { $0.text(key.key, at: 1) }, read: { $0.text(0) ?? "" }) else {
            return nil
        }
        return try Documents.parse(key, text)
    }

    /// Row `key` as the projection loads it: its document and its index columns as stored.
    static func row(_ key: EntityKey, _ db: Database) throws -> (document: JSONValue, columns: [String?])? {
        let columns = key.table.columns
        let statement = try db.cachedStatement(sql: statements(key.table).load)
        guard
            let (text, stored) = try statement.first(
                db, { $0.text(key.key, at: 1) },
                read: { row in (row.text(0) ?? "", columns.indices.map { row.text(CInt($0 + 1)) }) })
        else { return nil }
        return (try Documents.parse(key, text), stored)
    }

    /// Pages this store's writer has written to the write-ahead log since it opened: what its
    /// commits cost the disk (issue 16's settlement benchmark compares it with the engine's own
    /// rate for commits of as many pages).
    public func pagesWritten() async throws -> Int {
        try await writer.writeWithoutTransaction { db in Self.pagesWritten(db) }
    }

    /// Pages `db`'s connection has written (`SQLITE_DBSTATUS_CACHE_WRITE`).
    static func pagesWritten(_ db: Database) -> Int {
        var current: Int32 = 0
        var highwater: Int32 = 0
        sqlite3_db_status(db.sqliteConnection, SQLITE_DBSTATUS_CACHE_WRITE, &current, &highwater, 0)
        return Int(current)
    }

    /// The statements that load and write a row of a table, made once per table: an import
    /// loads and writes hundreds of thousands of rows of a handful of tables, and building the
    /// text each time showed in its profile.
    struct TableStatements {
        /// The row's document, by key.
        let document: String
        /// The row's document and index columns, by key.
        let load: String
        /// Inserts the row, or sets every column of the one with its key.
        let upsert: String

        init(_ table: EntityTable) {
            let columns = ["key"] + table.columns + ["doc"]
            document = "SELECT doc FROM \(table.name) WHERE key = ?"
            load = "SELECT \((["doc"] + table.columns).joined(separator: ", ")) FROM \(table.name) WHERE key = ?"
            let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            let updates = (table.columns + ["doc"]).map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            upsert =
                "INSERT INTO \(table.name) (\(columns.joined(separator: ", "))) VALUES (\(placeholders)) "
                + "ON CONFLICT(key) DO UPDATE SET \(updates)"
        }
    }

    static func statements(_ table: EntityTable) -> TableStatements {
        if let made = tableStatements.withLock({ $0[table.name] }) { return made }
        let made = TableStatements(table)
        tableStatements.withLock { $0[table.name] = made }
        return made
    }
    private static let tableStatements = Mutex<[String: TableStatements]>([:])

    /// Reads are answered one by one, in process: reading what may not be needed costs here.
    public var readsTogether: Bool { false }

    public func document(_ key: EntityKey) async throws -> JSONValue? {
        try await quickRead { db in try Self.document(key, db) }
    }

    public func documents(_ table: EntityTable, where filters: [ColumnFilter], after key: String?, limit: Int?)
        async throws -> [JSONValue]
    {
        let (clause, arguments) = Self.whereClause(table, filters, after: key)
        let sql =
            "SELECT doc FROM \(table.name)\(clause) ORDER BY key" + (limit.map { " LIMIT \($0)" } ?? "")
        let fetch: @Sendable (Database) throws -> [JSONValue] = { db in
            try String.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { try JSONParser.parse($0) }
        }
        return try await Self.isBounded(filters, limit: limit) ? quickRead(fetch) : writer.read(fetch)
    }

    /// A query small enough for the calling thread: a page of at most `quickLimit` rows, or the
    /// rows of one right, party or listing (a right's encumbrances, a parent's sub-rights, a
    /// person's roster lines) — never a village, a kind, a status or a prefix scan.
    static func isBounded(_ filters: [ColumnFilter], limit: Int?) -> Bool {
        if let limit, limit <= quickLimit { return true }
        return filters.contains { filter in
            switch filter {
            case .equals(let column, _): identifyingColumns.contains(column)
            case .equalsReference(let column, _, _, _): column == "key" || identifyingColumns.contains(column)
            case .hasPrefix, .isIn: false
            }
        }
    }
    static let quickLimit = 100
    /// Index columns whose one value names a handful of rows.
    static let identifyingColumns: Set<String> = [
        "right_id", "parent", "holder", "id_number", "household", "agent", "principal", "party", "listing",
    ]

    public func count(_ table: EntityTable, where filters: [ColumnFilter]) async throws -> Int {
        let (clause, arguments) = Self.whereClause(table, filters, after: nil)
        return try await writer.read { db in
            try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM \(table.name)\(clause)"), arguments: arguments)
                ?? 0
        }
    }

    public func existingKeys(_ table: EntityTable, among keys: [String]) async throws -> Set<String> {
        guard !keys.isEmpty else { return [] }
        return try await writer.read { db in
            var found: Set<String> = []
            for chunk in stride(from: 0, to: keys.count, by: 500).map({ keys[$0..<min($0 + 500, keys.count)] }) {
                let placeholders = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let statement = try db.cachedStatement(
                    sql: "SELECT key FROM \(table.name) WHERE key IN (\(placeholders))")
                found.formUnion(try String.fetchAll(statement, arguments: StatementArguments(listing: chunk)))
            }
            return found
        }
    }

    public func rows(_ table: EntityTable, after key: String?, limit: Int) async throws -> [(
        key: String, document: [UInt8]
    )] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT key, doc FROM \(table.name) WHERE key > ? ORDER BY key LIMIT ?"),
                arguments: [key ?? "", limit])
            return rows.map { (key: $0["key"], document: Array(($0["doc"] as String).utf8)) }
        }
    }

    static func whereClause(_ table: EntityTable, _ filters: [ColumnFilter], after key: String?)
        -> (String, StatementArguments)
    {
        let clause = FilterClause(table, filters, after: key, placeholder: .question)
        return (clause.sql, StatementArguments(listing: clause.arguments))
    }

    // MARK: Checkpoints

    public func latestCheckpoint() async throws -> StoredCheckpoint? {
        try await quickRead { db in try Self.latestCheckpoint(db) }
    }

    static func latestCheckpoint(_ db: Database) throws -> StoredCheckpoint? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1"))
            .map(Self.checkpoint)
    }

    public func checkpoint(covering size: UInt64) async throws -> StoredCheckpoint? {
        try await quickRead { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size LIMIT 1"),
                arguments: [Int64(size)]
            ).map(Self.checkpoint)
        }
    }

    public func checkpoints(after size: UInt64?, limit: Int) async throws -> [StoredCheckpoint] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT size, note FROM checkpoints WHERE size > ? ORDER BY size LIMIT ?",
                arguments: [size.map(Int64.init) ?? -1, limit]
            ).map(Self.checkpoint)
        }
    }

    public func saveCheckpoint(_ checkpoint: StoredCheckpoint) async throws {
        try await writer.write { db in try Self.save(checkpoint, db) }
    }

    static func save(_ checkpoint: StoredCheckpoint, _ db: Database) throws {
        // A cached statement: every append saves a checkpoint, and preparing one showed in its profile.
        try db.cachedStatement(sql: "INSERT INTO checkpoints (size, note) VALUES (?, ?) ON CONFLICT(size) DO NOTHING")
            .execute(arguments: [Int64(checkpoint.size), checkpoint.note])
    }

    static func checkpoint(_ row: Row) -> StoredCheckpoint {
        StoredCheckpoint(size: UInt64(row["size"] as Int64), note: row["note"])
    }

    // MARK: Side records

    public func sideRecord(_ table: String, key: String) async throws -> [UInt8]? {
        try await quickRead { db in
            // Every request reads its token here: a prepared statement kept per connection, read
            // with SQLite's own calls (through GRDB's arguments and `Data` it was ~1.4 % of a
            // collateral search's CPU, issue 16).
            try db.cachedStatement(sql: "SELECT value FROM side_records WHERE tbl = ? AND key = ?").first(
                db,
                { arguments in
                    arguments.text(table, at: 1)
                    arguments.text(key, at: 2)
                }, read: { $0.blob(0) ?? [] })  // `value` is NOT NULL
        }
    }

    @discardableResult
    public func putSideRecord(_ table: String, key: String, value: [UInt8], onlyIfAbsent: Bool) async throws -> Bool {
        try await writer.write { db in
            let conflict = onlyIfAbsent ? "DO NOTHING" : "DO UPDATE SET value = excluded.value"
            try db.execute(
                sql: "INSERT INTO side_records (tbl, key, value) VALUES (?, ?, ?) ON CONFLICT(tbl, key) \(conflict)",
                arguments: [table, key, Data(value)])
            return db.changesCount > 0
        }
    }

    public func replaceSideRecord(_ table: String, key: String, expected: [UInt8], with value: [UInt8]) async throws
        -> Bool
    {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE side_records SET value = ? WHERE tbl = ? AND key = ? AND value = ?",
                arguments: [Data(value), table, key, Data(expected)])
            return db.changesCount > 0
        }
    }

    public func deleteSideRecord(_ table: String, key: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM side_records WHERE tbl = ? AND key = ?", arguments: [table, key])
        }
    }

    public func sideRecords(after position: SideRecordKey?, limit: Int) async throws -> [SideRecord] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT tbl, key, value FROM side_records WHERE (tbl, key) > (?, ?) ORDER BY tbl, key LIMIT ?",
                arguments: [position?.table ?? "", position?.key ?? "", limit]
            ).map { row in
                SideRecord(
                    position: SideRecordKey(table: row["tbl"], key: row["key"]), value: Array(row["value"] as Data))
            }
        }
    }

    // MARK: Settings and maintenance

    public func settings() async throws -> [String: String] {
        try await writer.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, value FROM registry_settings").map {
                    ($0["name"] as String, $0["value"] as String)
                })
        }
    }

    public func setting(_ name: String) async throws -> String? {
        try await quickRead { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM registry_settings WHERE name = ?"), arguments: [name])
        }
    }

    public func setSetting(_ name: String, _ value: String) async throws {
        try await writer.write { db in
            try db.execute(
                sql:
                    "INSERT INTO registry_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                arguments: [name, value])
        }
    }

    /// A consistent copy of the whole database, taken while it stays in use (SQLite's online
    /// backup runs inside one read transaction).
    public func backup(to path: String) async throws {
        let destination = try DatabaseQueue(path: path)
        try writer.backup(to: destination)
        try destination.close()
    }
}

/// Writes projection rows in one append, finding each table's upsert once per append rather than
/// once per row (issue 16: an import writes tens of thousands of rows of a handful of tables a
/// batch, and every row looked its statements up by table, then its SQL up in GRDB's cache).
struct RowWriter {
    private let db: Database
    /// The upserts found so far, by table name: a handful.
    private var upserts: [(table: String, statement: Statement)] = []

    init(_ db: Database) { self.db = db }

    mutating func write(_ write: EntityWrite) throws {
        let table = write.key.table
        guard let document = write.document else {
            try db.cachedStatement(sql: "DELETE FROM \(table.name) WHERE key = ?").execute(arguments: [write.key.key])
            return
        }
        if let stored = write.storedColumns, stored.count == write.columns.count {
            // An UPDATE that sets only the columns whose values change: SQLite rewrites the index
            // entries of every column it sets, even to the value it had.
            let changed = write.columns.indices.filter { write.columns[$0] != stored[$0] }
            let assignments = (changed.map { table.columns[$0] } + ["doc"]).map { "\($0) = ?" }
            let statement = try db.cachedStatement(
                sql: "UPDATE \(table.name) SET \(assignments.joined(separator: ", ")) WHERE key = ?")
            try statement.run(db) { row in
                for (offset, column) in changed.enumerated() { row.text(write.columns[column], at: CInt(offset + 1)) }
                row.text(utf8: document, at: CInt(changed.count + 1))
                row.text(write.key.key, at: CInt(changed.count + 2))
            }
            // The projection read the row in this transaction or at this log size, so it is
            // there; were it not, the upsert below would write it whole.
            if db.changesCount == 1 { return }
        }
        try upsert(table).run(db) { row in
            row.text(write.key.key, at: 1)
            for (offset, column) in write.columns.enumerated() { row.text(column, at: CInt(offset + 2)) }
            row.text(utf8: document, at: CInt(write.columns.count + 2))
        }
    }

    private mutating func upsert(_ table: EntityTable) throws -> Statement {
        if let found = upserts.first(where: { $0.table == table.name }) { return found.statement }
        let statement = try db.cachedStatement(sql: SQLiteRegistryStore.statements(table).upsert)
        upserts.append((table.name, statement))
        return statement
    }
}
