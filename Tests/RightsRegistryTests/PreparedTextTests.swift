import Foundation
import Logging
import PostgresNIO
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// Statements of fixed text prepared once per connection (issue 16): PostgreSQL parses and plans
/// them once, then only binds and executes.
@Suite("PostgreSQL prepared texts", .enabled(if: TestStore.postgresURL != nil))
struct PreparedTextTests {
    let logger = Logger(label: "rights.test")

    func run(_ sql: String, _ key: String, on connection: PostgresConnection) async throws -> [String] {
        var binds = PostgresBindings()
        binds.append(key)
        return try await PostgresRegistryStore.prepared(sql, binds, on: connection, logger: logger).map {
            try $0.decode(String.self)
        }
    }

    func execute(_ sql: String, on connection: PostgresConnection) async throws {
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect()
    }

    /// A connection of its own, closed after `body`.
    func onConnection(_ id: Int, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await ReadSessionTests.connect(id: id)
        do { try await body(connection) } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    func prepared(on connection: PostgresConnection) async throws -> [String] {
        try await connection.query("SELECT statement FROM pg_prepared_statements", logger: logger).collect().map {
            try $0.decode(String.self)
        }
    }

    @Test("a text run twice on a connection is prepared there once, under one name, and answers each time")
    func preparedOnce() async throws {
        try await onConnection(11) { connection in
            try await execute("CREATE TEMP TABLE probe (k text PRIMARY KEY, v text)", on: connection)
            try await execute("INSERT INTO probe VALUES ('a', '甲'), ('b', '乙')", on: connection)
            let sql = "SELECT v FROM probe WHERE k = $1 -- \(UUID())"
            #expect(try await run(sql, "a", on: connection) == ["甲"])
            #expect(try await run(sql, "b", on: connection) == ["乙"])
            #expect(try await run(sql, "c", on: connection) == [])
            #expect(try await prepared(on: connection).filter { $0 == sql }.count == 1)
            #expect(PreparedText.names.name(of: sql) == PreparedText.names.name(of: sql))
        }
    }

    @Test("a text whose preparation failed runs once it can: PostgresNIO's kept error is not the answer")
    func failedPreparation() async throws {
        try await onConnection(12) { connection in
            let sql = "SELECT v FROM late WHERE k = $1 -- \(UUID())"
            await #expect(throws: PSQLError.self) { try await run(sql, "a", on: connection) }
            try await execute("CREATE TEMP TABLE late (k text PRIMARY KEY, v text)", on: connection)
            try await execute("INSERT INTO late VALUES ('a', '甲')", on: connection)
            #expect(try await run(sql, "a", on: connection) == ["甲"])
        }
    }

    @Test(
        "inside a transaction a failed statement's own error stands, and the text runs prepared once it can, under a new name"
    )
    func failedInTransaction() async throws {
        try await onConnection(13) { connection in
            let sql = "SELECT v FROM later WHERE k = $1 -- \(UUID())"
            var binds = PostgresBindings()
            binds.append("a")
            let run = {
                try await PostgresRegistryStore.prepared(sql, binds, on: connection, logger: logger, rerun: false)
            }
            let first = PreparedText.names.name(of: sql)
            try await execute("BEGIN", on: connection)
            let error = await #expect(throws: PSQLError.self) { try await run() }
            #expect(error?.serverInfo?[.sqlState] == "42P01", "undefined table, not the aborted transaction's 25P02")
            try await execute("ROLLBACK", on: connection)
            try await execute("CREATE TEMP TABLE later (k text PRIMARY KEY, v text)", on: connection)
            try await execute("INSERT INTO later VALUES ('a', '甲')", on: connection)
            try await execute("BEGIN", on: connection)
            #expect(try await run().map { try $0.decode(String.self) } == ["甲"])
            try await execute("COMMIT", on: connection)
            #expect(PreparedText.names.name(of: sql) != first)
            #expect(try await prepared(on: connection).filter { $0 == sql }.count == 1)
        }
    }
}

/// What decides a statement's text and its name; no database needed.
@Suite("PostgreSQL statement texts")
struct StatementTextTests {
    @Test("the keys an append reads are asked table by table in the tables' name order, whatever their order")
    func tablesInOrder() {
        let tables = ["rights", "deals", "listings", "encumbrances", "households", "parcels", "members", "watches"]
            .map { EntityTable(name: $0, columns: []) }
        var keys = tables.flatMap { table in (0..<3).map { EntityKey(table: table, key: "\(table.name)-\($0)") } }
        var orders: Set<[String]> = []
        for _ in 0..<20 {
            keys.shuffle()
            let grouped = PostgresRegistryStore.byTable(keys)
            orders.insert(grouped.map(\.key.name))
            #expect(grouped.allSatisfy { group in group.value.allSatisfy { $0.table == group.key } })
        }
        #expect(orders == [tables.map(\.name).sorted()])
    }

    @Test("only so many texts get a name; a text named before keeps its name")
    func limited() throws {
        let names = PreparedNames(limit: 2)
        let first = names.name(of: "SELECT 1")
        #expect(first != nil && names.name(of: "SELECT 2") != nil && first != names.name(of: "SELECT 2"))
        #expect(names.name(of: "SELECT 3") == nil)
        #expect(names.name(of: "SELECT 1") == first)
        names.retire("SELECT 1", name: "another")
        #expect(names.name(of: "SELECT 1") == first, "retired only under the name it failed with")
        names.retire("SELECT 1", name: try #require(first))
        #expect(names.name(of: "SELECT 1") == nil, "a new name counts against the limit")
    }

    @Test(
        "with sightings, a text is named the time it is asked for again, under the pool's prefix; one seen once stays unnamed"
    )
    func sightings() {
        let names = PreparedNames(limit: 2, prefix: "rights_append_", sightings: 2)
        #expect(names.name(of: "INSERT 1") == nil, "seen once")
        #expect(names.name(of: "INSERT 2") == nil)
        #expect(names.name(of: "INSERT 1") == "rights_append_0", "seen twice")
        #expect(names.name(of: "INSERT 1") == "rights_append_0")
        #expect(names.name(of: "INSERT 3") == nil)
        #expect(names.name(of: "INSERT 2") == "rights_append_1")
        #expect(names.name(of: "INSERT 3") == nil, "the limit reached")
    }
}
