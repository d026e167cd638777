import Foundation
import RegistryTestSupport
import Testing

@testable import RightsRegistry

/// Named, append-only migrations, the same rules in both stores.
@Suite("Store migrations")
struct MigrationTests {
    /// The registry's schema with one more migration, as the next release would ship it.
    static let next = StoreSchema(
        sqlite: SQLiteSchema.registry + [StoreMigration("2099-01-01-next", "CREATE TABLE next_table (key TEXT);")],
        postgres: PostgresSchema.registry + [StoreMigration("2099-01-01-next", "CREATE TABLE next_table (key TEXT);")])

    @Test(
        "a store behind the program is refused, naming the pending migration, until it is migrated; a newer one is refused",
        arguments: TestStore.shared)
    func pendingAndNewer(_ factory: TestStore) async throws {
        let location = try await factory.newLocation()
        let old = try await StoreLocation(location).open(.registry, migrate: true)
        try await old.setSetting("origin", "registry.test/330424")

        await #expect(throws: StoreError.migrationsPending(["2099-01-01-next"])) {
            _ = try await StoreLocation(location).open(Self.next, migrate: false)
        }
        let migrated = try await StoreLocation(location).open(Self.next, migrate: true)
        #expect(try await migrated.setting("origin") == "registry.test/330424", "migrating keeps the data")
        _ = try await StoreLocation(location).open(Self.next, migrate: false)
        await #expect(throws: StoreError.newerSchema("2099-01-01-next")) {
            _ = try await StoreLocation(location).open(.registry, migrate: false)
        }
    }

    @Test("two programs migrating the same new database at once both succeed", arguments: TestStore.shared)
    func concurrentMigrators(_ factory: TestStore) async throws {
        let location = try await factory.newLocation()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 { group.addTask { _ = try await StoreLocation(location).open(.registry, migrate: true) } }
            try await group.waitForAll()
        }
        let store = try await StoreLocation(location).open(.registry, migrate: false)
        #expect(try await store.size() == 0)
    }

    @Test("PostgreSQL migrations are single statements and every table compares text bytewise")
    func postgresStatements() {
        for migration in PostgresSchema.registry {
            let statements = PostgresRegistryStore.statements(migration.sql)
            #expect(!statements.isEmpty)
            for statement in statements {
                #expect(!statement.contains(";"), "\(migration.name): one statement per query")
                if statement.hasPrefix("CREATE TABLE") {
                    let textColumns = statement.components(separatedBy: " TEXT").count - 1
                    let collated = statement.components(separatedBy: "COLLATE \"C\"").count - 1
                    // Only `doc`/`value`/`note` payloads may use the database's collation.
                    #expect(textColumns - collated <= 1, "\(migration.name): \(statement)")
                }
            }
        }
    }
}
