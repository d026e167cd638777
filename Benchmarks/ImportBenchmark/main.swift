import Foundation
import GRDB
import RightsRegistry

// Import benchmark (issues 2 and 6): a synthetic county in the import format, imported by the
// release `rights` binary, against the raw insert rate of the same lines into the same kind of
// store, measured in the same run: SQLite by default; with a postgres:// URL, PostgreSQL (the
// baseline COPYs the lines, 4,096 per transaction, into a one-column table; the registry goes
// into the schema `bench_registry`).
//
// usage: ImportBenchmark RIGHTS_BINARY WORKDIR [HOUSEHOLDS] [POSTGRES_URL]

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: ImportBenchmark RIGHTS_BINARY WORKDIR [HOUSEHOLDS]\n".utf8))
    exit(64)
}
let rights = arguments[1]
let workdir = arguments[2]
let households = arguments.count > 3 ? Int(arguments[3])! : 200_000
let postgres = arguments.count > 4 ? arguments[4] : nil
try? FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
let file = workdir + "/county.jsonl"

func seconds(_ start: DispatchTime) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
}
func rate(_ count: Int, _ seconds: Double) -> String { String(format: "%.0f", Double(count) / seconds) }

// 1. The county file, streamed to disk.
let county = SyntheticCounty.benchmark(households: households)
var lines = 0
var parcels = 0
do {
    let start = DispatchTime.now()
    _ = FileManager.default.createFile(atPath: file, contents: nil)
    let handle = FileHandle(forWritingAtPath: file)!
    var buffer = ""
    county.lines { line in
        buffer += line
        buffer += "\n"
        lines += 1
        if buffer.utf8.count > 1 << 20 {
            handle.write(Data(buffer.utf8))
            buffer = ""
        }
    }
    handle.write(Data(buffer.utf8))
    try handle.close()
    parcels = county.households * county.parcelsPerHousehold
    let size = (try FileManager.default.attributesOfItem(atPath: file)[.size] as! NSNumber).intValue
    print(
        "county: \(county.households) households, \(parcels) parcels, \(county.households) homesteads, \(county.households) share holdings"
    )
    print("file:   \(lines) lines, \(size / 1_000_000) MB, generated in \(String(format: "%.1f", seconds(start))) s")
}

// 2. Baseline: the same lines, one row each, into SQLite with the registry's settings (WAL,
//    synchronous=FULL, one transaction per 4096 rows, a cached prepared statement) — or into
//    PostgreSQL with COPY, 4,096 rows per statement (each its own transaction).
let baselineRate: Double
if let postgres {
    let (count, elapsed) = try await postgresBaseline(url: postgres, file: file)
    baselineRate = Double(count) / elapsed
    print(
        "baseline raw PostgreSQL COPY: \(count) rows in \(String(format: "%.1f", elapsed)) s = \(rate(count, elapsed)) records/s"
    )
} else {
    let path = workdir + "/baseline.sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let pool = try DatabasePool(path: path)
    // After opening: GRDB sets a pool's writer to `synchronous = NORMAL` when it turns WAL on, which
    // syncs no commit (so `prepareDatabase` cannot set FULL; the registry's store does it the same way).
    try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    try pool.write { db in try db.execute(sql: "CREATE TABLE records (id INTEGER PRIMARY KEY, line TEXT NOT NULL)") }
    let reader = try LineReader(path: file, maximumLineLength: ImportRecord.maximumLineLength)
    let start = DispatchTime.now()
    var done = false
    var count = 0
    while !done {
        try pool.write { db in
            let insert = try db.cachedStatement(sql: "INSERT INTO records (line) VALUES (?)")
            for _ in 0..<4096 {
                guard let line = try reader.nextLine({ String(decoding: $0, as: UTF8.self) }) else {
                    done = true
                    return
                }
                try insert.execute(arguments: [line])
                count += 1
            }
        }
    }
    let elapsed = seconds(start)
    baselineRate = Double(count) / elapsed
    print(
        "baseline raw SQLite insert: \(count) rows in \(String(format: "%.1f", elapsed)) s = \(rate(count, elapsed)) records/s"
    )
}

// 3. The registry import, as a separate process so its peak RSS is its own.
do {
    let directory = workdir + "/registry"
    try? FileManager.default.removeItem(atPath: directory)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    /// Spawned directly, not with Foundation's `Process`, which reaps its children itself: its
    /// reaper can win the race with `wait4` and take the resource usage with it.
    func run(_ arguments: [String]) throws -> (status: Int32, maxRSSKilobytes: Int) {
        let db = postgres.map { $0 + ($0.contains("?") ? "&" : "?") + "schema=bench_registry" }
        let argv =
            ([rights] + arguments + ["--db", db ?? directory + "/registry.sqlite", "--keys", directory + "/keys"])
            .map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, rights, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid else { throw POSIXError(.ECHILD) }
        // Exited normally (no signal) with its exit code, else the signal number as a failure.
        let exitCode = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitCode, usage.ru_maxrss)
    }
    _ = try run(["init"])
    let start = DispatchTime.now()
    let result = try run(["import", file])
    let elapsed = seconds(start)
    guard result.status == 0 else {
        print("import failed with status \(result.status)")
        exit(1)
    }
    let importRate = Double(lines) / elapsed
    print(
        "registry import (check + write, log + projections): \(lines) records in \(String(format: "%.1f", elapsed)) s = \(rate(lines, elapsed)) records/s"
    )
    print(String(format: "ratio import/baseline: %.3f (target ≥ 0.25)", importRate / baselineRate))
    print("peak RSS of the import: \(result.maxRSSKilobytes / 1024) MB (target < 300 MB)")
}

// 4. The engine's own work for the rows the import wrote (SQLite): they are copied into an empty
//    database with the same tables and indexes in one fsync'd transaction — no parsing, no
//    binding, in the order they are stored: the best case SQLite has for writing them. What
//    the import can reach at most is the records it wrote over the time that copy takes. On
//    PostgreSQL the same, inside the server (`postgresFloor`).
if let postgres {
    let floor = try await postgresFloor(url: postgres)
    print(
        "engine floor: the import's \(floor.rows) rows (\(floor.tables) tables, \(floor.indexes) indexes) copied into empty tables of the same definition, one transaction, in \(String(format: "%.2f", floor.seconds)) s"
    )
    print(
        String(
            format: "  at most %.0f records/s for the import; the most its ratio can be: %.2f",
            Double(lines) / floor.seconds, Double(lines) / floor.seconds / baselineRate))
} else {
    let source = workdir + "/registry/registry.sqlite"
    let path = workdir + "/floor.sqlite"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let pool = try DatabasePool(path: path)
    // Synced, and with the registry writer's page cache: the engine as the import has it.
    try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try db.execute(sql: "PRAGMA cache_size = -\(SQLiteRegistryStore.writerCacheKiB)")
    }
    let (tables, indexes) = try pool.writeWithoutTransaction { db -> ([String], Int) in
        try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
        // Tables first, then their indexes, as the registry's schema has them when an import runs.
        let schema = try Row.fetchAll(
            db,
            sql: """
                SELECT type, name, sql FROM source.sqlite_master
                WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND type IN ('table', 'index')
                ORDER BY type = 'index'
                """)
        for row in schema { try db.execute(sql: row["sql"]) }
        // Every index, those SQLite makes for the tables' keys included.
        let indexes = try Int.fetchOne(db, sql: "SELECT count(*) FROM main.sqlite_master WHERE type = 'index'") ?? 0
        return (schema.filter { $0["type"] == "table" }.map { $0["name"] }, indexes)
    }
    let start = DispatchTime.now()
    let rows = try pool.writeWithoutTransaction { db -> Int in
        var rows = 0
        try db.inTransaction {
            for table in tables {
                try db.execute(sql: "INSERT INTO main.\(table) SELECT * FROM source.\(table)")
                rows += db.changesCount
            }
            return .commit
        }
        return rows
    }
    let elapsed = seconds(start)
    print(
        "engine floor: the import's \(rows) rows (\(tables.count) tables, \(indexes) indexes) copied into an empty database of its schema, one fsync'd transaction, in \(String(format: "%.2f", elapsed)) s"
    )
    print(
        String(
            format: "  at most %.0f records/s for the import; the most its ratio can be: %.2f",
            Double(lines) / elapsed, Double(lines) / elapsed / baselineRate))
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}
