import Foundation
import GRDB
import PostgresNIO
public import RightsRegistry

/// A value bound to a tampering statement.
public enum SQLArgument: Sendable {
    case text(String)
    case integer(Int64)
    case bytes([UInt8])
}

/// One statement, with `$1`, `$2`… placeholders (both SQLite and PostgreSQL read them).
public struct SQLStatement: Sendable {
    public let sql: String
    public let arguments: [SQLArgument]

    public init(_ sql: String, _ arguments: [SQLArgument] = []) {
        self.sql = sql
        self.arguments = arguments
    }
}

extension TestStore {
    /// Runs `statements` on the database at `location` in one transaction, as someone with
    /// access to the database (not the program) could: the tests of audit and checkpoints
    /// tamper with the register this way and check that it is caught.
    public func tamper(_ statements: [SQLStatement], at location: String) async throws {
        switch try StoreLocation(location) {
        case .sqlite(let path):
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                for statement in statements {
                    try db.execute(
                        sql: statement.sql,
                        arguments: StatementArguments(
                            statement.arguments.map { argument -> any DatabaseValueConvertible in
                                switch argument {
                                case .text(let value): value
                                case .integer(let value): value
                                case .bytes(let value): Data(value)
                                }
                            }))
                }
            }
            try queue.close()
        case .postgres(let postgres):
            let logger = Logger(label: "rights.test")
            var configuration = PostgresConnection.Configuration(
                host: postgres.host, port: postgres.port, username: postgres.user, password: postgres.password,
                database: postgres.database, tls: .disable)
            if let schema = postgres.schema {
                configuration.options.additionalStartupParameters = [("search_path", schema)]
            }
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: logger)
            do {
                try await connection.query("BEGIN", logger: logger)
                for statement in statements {
                    var binds = PostgresBindings()
                    for argument in statement.arguments {
                        switch argument {
                        case .text(let value): binds.append(value)
                        case .integer(let value): binds.append(value)
                        case .bytes(let value): binds.append(ByteBuffer(bytes: value))
                        }
                    }
                    try await connection.query(PostgresQuery(unsafeSQL: statement.sql, binds: binds), logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
    }

    /// Writes the leaf and subtree hashes of `leaves` into the log table, as a forger would who
    /// wants the stored tree consistent with itself again.
    public func rewriteTree(at location: String, leaves: [TreeHash]) async throws {
        var range = CompactRange()
        var statements: [SQLStatement] = []
        for (index, leaf) in leaves.enumerated() {
            let completed = range.append(leaf)
            statements.append(
                SQLStatement(
                    "UPDATE log_entries SET leaf_hash = $1, subtree_hashes = $2 WHERE idx = $3",
                    [.bytes(leaf.bytes), .bytes(completed.flatMap(\.bytes)), .integer(Int64(index))]))
        }
        try await tamper(statements, at: location)
    }
}
