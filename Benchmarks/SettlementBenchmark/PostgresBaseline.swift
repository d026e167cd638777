import Foundation
import Logging
import PostgresNIO
import RightsRegistry

/// The PostgreSQL baseline: `rows` single-row INSERTs, each its own committed (fsync'd)
/// transaction, over one connection; and a clean schema for the registry. Returns the seconds.
func postgresBaseline(url: String, rows: Int) async throws -> Double {
    let location = try PostgresLocation(url: url)
    let logger = Logger(label: "bench")
    let configuration = PostgresConnection.Configuration(
        host: location.host, port: location.port, username: location.user, password: location.password,
        database: location.database, tls: .disable)
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    try await connection.query("DROP SCHEMA IF EXISTS bench_settlement CASCADE", logger: logger)
    try await connection.query("DROP TABLE IF EXISTS settlement_baseline", logger: logger)
    try await connection.query(
        "CREATE TABLE settlement_baseline (id BIGINT PRIMARY KEY, doc TEXT NOT NULL)", logger: logger)
    let start = DispatchTime.now()
    for row in 0..<rows {
        let doc = "{\"deal\":\(row)}"
        try await connection.query(
            "INSERT INTO settlement_baseline (id, doc) VALUES (\(row), \(doc))", logger: logger)
    }
    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    try await connection.close()
    return elapsed
}
