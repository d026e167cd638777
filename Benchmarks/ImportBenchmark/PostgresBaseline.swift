import Foundation
import PostgresNIO
import RightsRegistry

/// COPYs the file's lines into a fresh one-column table, 4,096 rows per COPY; returns the row
/// count and the seconds taken. Also drops the registry schema of an earlier run.
func postgresBaseline(url: String, file: String) async throws -> (Int, Double) {
    let location = try PostgresLocation(url: url)
    let logger = Logger(label: "bench")
    let configuration = PostgresConnection.Configuration(
        host: location.host, port: location.port, username: location.user, password: location.password,
        database: location.database, tls: .disable)
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    try await connection.query("DROP SCHEMA IF EXISTS bench_registry CASCADE", logger: logger)
    try await connection.query("DROP TABLE IF EXISTS import_baseline", logger: logger)
    try await connection.query(
        "CREATE TABLE import_baseline (id BIGSERIAL PRIMARY KEY, line TEXT NOT NULL)", logger: logger)
    let reader = try LineReader(path: file)
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
