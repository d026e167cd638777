import Foundation
import PostgresNIO
public import RightsRegistry
public import Testing

/// The stores the tests run against (the FluentBenchmark idea: one suite, every store).
/// SQLite always; PostgreSQL when `RIGHTS_TEST_POSTGRES_URL` or the `POSTGRES_*` variables name
/// a database (scripts/test.sh starts a throwaway cluster and sets the URL). Every PostgreSQL
/// store is a new schema of that database, so tests run side by side without seeing each other.
public enum TestStore: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqliteMemory = "SQLite in memory"
    case sqliteFile = "SQLite file"
    case postgres = "PostgreSQL"

    public var testDescription: String { rawValue }

    /// The stores configured here.
    public static var available: [TestStore] { postgresURL == nil ? [.sqliteMemory, .sqliteFile] : allCases }
    /// The stores that can be opened twice, by two connections, processes or servers.
    public static var shared: [TestStore] { available.filter { $0 != .sqliteMemory } }

    /// The store the domain suites (registry, exchange, server) run on: SQLite in memory, or
    /// PostgreSQL with `RIGHTS_TEST_STORE=postgres` — scripts/test.sh runs them once each way.
    public static var `default`: TestStore {
        ProcessInfo.processInfo.environment["RIGHTS_TEST_STORE"] == "postgres" ? .postgres : .sqliteMemory
    }

    /// The test database: `RIGHTS_TEST_POSTGRES_URL`, or one assembled from `POSTGRES_HOST`
    /// (or `POSTGRES_HOSTNAME`), `POSTGRES_PORT`, `POSTGRES_USER`/`_USERNAME`, `POSTGRES_PASSWORD`
    /// and `POSTGRES_DB`/`_DATABASE`.
    public static let postgresURL: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["RIGHTS_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        guard let host = environment["POSTGRES_HOST"] ?? environment["POSTGRES_HOSTNAME"] else { return nil }
        var components = URLComponents()
        components.scheme = "postgres"
        components.host = host
        components.port = Int(environment["POSTGRES_PORT"] ?? "5432")
        components.user = environment["POSTGRES_USER"] ?? environment["POSTGRES_USERNAME"] ?? "postgres"
        components.password = environment["POSTGRES_PASSWORD"]
        components.path = "/" + (environment["POSTGRES_DB"] ?? environment["POSTGRES_DATABASE"] ?? "postgres")
        components.queryItems = [URLQueryItem(name: "sslmode", value: "disable")]
        return components.string
    }()

    /// Files of file-backed stores live here and go when the test process ends.
    public static let directory: TemporaryDirectory = {
        let directory = try! TemporaryDirectory("rights-stores")
        atexit(removeStoreDirectory)
        return directory
    }()

    /// Where a new, empty store of this kind is (`--db`): a file path or a URL with a schema
    /// of its own. Not for `.sqliteMemory`.
    public func newLocation() async throws -> String {
        switch self {
        case .sqliteMemory: preconditionFailure("an in-memory store has no location")
        case .sqliteFile: return Self.directory.file("\(UUID().uuidString).sqlite")
        case .postgres:
            let url = try #require(Self.postgresURL, "PostgreSQL is not configured (RIGHTS_TEST_POSTGRES_URL)")
            await Self.cleanup.value
            let schema = "rights_test_" + UUID().uuidString.prefix(12).lowercased()
            return url + (url.contains("?") ? "&" : "?") + "schema=\(schema)"
        }
    }

    /// A new, empty store with `schema`'s tables.
    public func make(_ schema: StoreSchema = .registry) async throws -> any RegistryStore {
        if self == .sqliteMemory { return try SQLiteRegistryStore(inMemory: schema.sqlite) }
        return try await open(try await newLocation(), schema)
    }

    /// Opens (migrating) the store at `location`: a second connection to a store `make` made.
    public func open(_ location: String, _ schema: StoreSchema = .registry) async throws -> any RegistryStore {
        try await StoreLocation(location).open(schema, migrate: true)
    }

    /// Test schemas of earlier runs are dropped once per process, before the first new one.
    private static let cleanup = Task {
        guard let url = postgresURL, let location = try? PostgresLocation(url: url) else { return }
        try? await dropSchemas(like: "rights_test_%", at: location)
    }
}

/// Statics are never deinitialised, so the store directory is removed at exit.
private func removeStoreDirectory() {
    try? FileManager.default.removeItem(atPath: TestStore.directory.path)
}

private func dropSchemas(like pattern: String, at location: PostgresLocation) async throws {
    let logger = Logger(label: "rights.test")
    var configuration = PostgresConnection.Configuration(
        host: location.host, port: location.port, username: location.user, password: location.password,
        database: location.database, tls: .disable)
    configuration.options.connectTimeout = .seconds(5)
    let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    do {
        let schemas = try await connection.query(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE \(pattern)", logger: logger
        ).collect().map { try $0.decode(String.self) }
        for schema in schemas {
            try await connection.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"), logger: logger)
        }
    } catch {
        try? await connection.close()
        throw error
    }
    try await connection.close()
}
