import Foundation
import PostgresNIO
import RightsRegistry

/// A plain connection to the benchmark's database.
func connect(url: String, id: Int, logger: Logger) async throws -> PostgresConnection {
    let location = try PostgresLocation(url: url)
    let configuration = PostgresConnection.Configuration(
        host: location.host, port: location.port, username: location.user, password: location.password,
        database: location.database, tls: .disable)
    return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
}

/// COPYs the file's lines into a fresh one-column table, 4,096 rows per COPY; returns the row
/// count and the seconds taken. Also drops the registry schema of an earlier run.
func postgresBaseline(url: String, file: String) async throws -> (Int, Double) {
    let logger = Logger(label: "bench")
    let connection = try await connect(url: url, id: 1, logger: logger)
    try await connection.query("DROP SCHEMA IF EXISTS bench_registry CASCADE", logger: logger)
    try await connection.query("DROP TABLE IF EXISTS import_baseline", logger: logger)
    try await connection.query(
        "CREATE TABLE import_baseline (id BIGSERIAL PRIMARY KEY, line TEXT NOT NULL)", logger: logger)
    let reader = try LineReader(path: file, maximumLineLength: ImportRecord.maximumLineLength)
    let start = DispatchTime.now()
    var count = 0
    var done = false
    while !done {
        var buffer = ByteBuffer()
        for _ in 0..<4096 {
            guard let line = try reader.nextLine({ Array($0) }) else {
                done = true
                break
            }
            // COPY's text format: a backslash starts an escape, so it is doubled.
            for byte in line {
                if byte == UInt8(ascii: "\\") { buffer.writeInteger(byte) }
                buffer.writeInteger(byte)
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
            count += 1
        }
        if buffer.readableBytes > 0 {
            try await connection.copyFrom(table: "import_baseline", columns: ["line"], logger: logger) { writer in
                try await writer.write(buffer)
            }
        }
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    try await connection.close()
    return (count, elapsed)
}

/// The engine's own time for the rows an import wrote to schema `bench_registry`: they are
/// copied into empty tables of the same definition (indexes and keys included) with one
/// `INSERT … SELECT` per table, in one transaction — the rows never leave the server. Returns
/// the rows copied, the tables, the indexes and the seconds the transaction took.
func postgresFloor(url: String) async throws -> (rows: Int, tables: Int, indexes: Int, seconds: Double) {
    let logger = Logger(label: "bench")
    let connection = try await connect(url: url, id: 2, logger: logger)
    func run(_ sql: String) async throws { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    try await run("DROP SCHEMA IF EXISTS import_floor CASCADE")
    try await run("CREATE SCHEMA import_floor")
    var tables: [String] = []
    for try await name in try await connection.query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'bench_registry' ORDER BY tablename", logger: logger
    ).decode(String.self) { tables.append(name) }
    for table in tables {
        try await run("CREATE TABLE import_floor.\(table) (LIKE bench_registry.\(table) INCLUDING ALL)")
    }
    var indexes = 0
    for try await count in try await connection.query(
        "SELECT count(*)::int FROM pg_indexes WHERE schemaname = 'import_floor'", logger: logger
    ).decode(Int.self) { indexes = count }
    let start = DispatchTime.now()
    try await run("BEGIN")
    for table in tables { try await run("INSERT INTO import_floor.\(table) SELECT * FROM bench_registry.\(table)") }
    try await run("COMMIT")
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    var rows = 0
    for table in tables {
        for try await count in try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM import_floor.\(table)"), logger: logger
        ).decode(Int.self) { rows += count }
    }
    try await run("DROP SCHEMA import_floor CASCADE")
    try await connection.close()
    return (rows, tables.count, indexes, elapsed)
}
