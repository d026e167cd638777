/// A product's schema in both stores' dialects: the same tables, as named, append-only
/// migrations for each.
public struct StoreSchema: Sendable {
    public let sqlite: [StoreMigration]
    public let postgres: [StoreMigration]

    public init(sqlite: [StoreMigration], postgres: [StoreMigration]) {
        self.sqlite = sqlite
        self.postgres = postgres
    }

    /// The registry's own tables.
    public static let registry = StoreSchema(sqlite: SQLiteSchema.registry, postgres: PostgresSchema.registry)
}

/// Where a registry lives, as `--db` / `RIGHTS_DB` names it: a SQLite file path or a
/// `postgres://` URL.
public enum StoreLocation: Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public init(_ text: String) throws {
        self = PostgresLocation.isURL(text) ? .postgres(try PostgresLocation(url: text)) : .sqlite(path: text)
    }

    /// The location for messages; never the password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// Opens the store. With `migrate`, creates it if needed and applies pending migrations;
    /// without it, throws `StoreError.migrationsPending` when the schema is behind.
    public func open(_ schema: StoreSchema, migrate: Bool) async throws -> any RegistryStore {
        switch self {
        case .sqlite(let path): try SQLiteRegistryStore(path: path, migrations: schema.sqlite, migrate: migrate)
        case .postgres(let location):
            try await PostgresRegistryStore(location, migrations: schema.postgres, migrate: migrate)
        }
    }
}
