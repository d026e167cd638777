import ArgumentParser
import Exchange
import Foundation
import RightsRegistry

/// Options every command takes (INTERFACE.md): where the registry is, where its keys are, and
/// whether to answer in JSON.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long, help: "Database: a SQLite path or postgres://… URL (env RIGHTS_DB, default ./registry.sqlite).")
    var db: String?

    @Option(name: .long, help: "Key directory (env RIGHTS_KEYS, default ./keys).")
    var keys: String?

    @Flag(name: .long, help: "Machine-readable JSON on standard output.")
    var json = false

    @Option(name: .long, help: "Who performs the act, as logged (env RIGHTS_ACTOR, default clerk:$USER).")
    var actor: String?

    @Option(
        name: .long,
        help:
            "Act as of this instant, e.g. 2026-12-02T10:00:00+08:00 (env RIGHTS_NOW): rehearsals and tests of procedures that run over days."
    )
    var now: String?

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["RIGHTS_DB"] ?? "./registry.sqlite"
    }

    /// The database as messages name it: a PostgreSQL URL without its password.
    var databaseName: String { (try? StoreLocation(databasePath))?.description ?? databasePath }

    var keyDirectory: String {
        keys ?? ProcessInfo.processInfo.environment["RIGHTS_KEYS"] ?? "./keys"
    }

    var actorName: String {
        actor ?? ProcessInfo.processInfo.environment["RIGHTS_ACTOR"]
            ?? "clerk:\(ProcessInfo.processInfo.environment["USER"] ?? "cli")"
    }

    /// Opens the registry, which must have been created with `rights init`. Writing needs the
    /// signing keys (every write is checkpointed); reading uses them when they are there.
    func openRegistry(writing: Bool = true, clock: (any RegistryClock)? = nil) async throws -> Registry {
        let clock = try clock ?? stoppedClock() ?? SystemClock()
        let store = try await openStore(creating: false)
        let zone = try RegistryTimeZone(try await store.setting(RegistrySettings.timeZone) ?? "Asia/Shanghai")
        let keys = writing ? try KeyRing.load(from: keyDirectory) : try? KeyRing.load(from: keyDirectory)
        if let keys, let origin = try await store.setting(RegistrySettings.origin), origin != keys.origin {
            throw RegistryError.unavailable("the keys in \(keyDirectory) belong to \(keys.origin), not to \(origin)")
        }
        return Registry(
            store: store, keys: keys, clock: clock, timeZone: zone, reactions: ProductSchema.reactions(store))
    }

    /// The clock stopped at `--now` / `RIGHTS_NOW` (RFC 3339), if given: for rehearsing a
    /// procedure that runs over days — an announcement, an auction, a payment deadline — and for
    /// tests. The log records the stopped time as the acts' time.
    func stoppedClock() throws -> (any RegistryClock)? {
        guard let text = now ?? ProcessInfo.processInfo.environment["RIGHTS_NOW"] else { return nil }
        guard let instant = RegistryTimeZone.instant(text), (try? Day.input(text.prefix(10))) != nil else {
            throw RegistryError.invalid(
                "now",
                "write an instant like 2026-12-02T10:00:00+08:00, between \(Day.inputRange.lowerBound) and \(Day.inputRange.upperBound)"
            )
        }
        return FixedClock(instant: instant)
    }

    /// Opens the store at `--db`. `creating` (init, demo, copy's target) creates it and applies
    /// pending migrations; every other command refuses a schema that is behind and names the
    /// command that migrates it.
    func openStore(creating: Bool) async throws -> any RegistryStore {
        try await Self.openStore(databasePath, creating: creating)
    }

    static func openStore(_ text: String, creating: Bool) async throws -> any RegistryStore {
        let location = try StoreLocation(text)
        if case .sqlite(let path) = location, !creating, !FileManager.default.fileExists(atPath: path) {
            throw RegistryError.unavailable("no registry at \(path): create one with `rights init`")
        }
        do {
            return try await location.open(ProductSchema.migrations, migrate: creating)
        } catch StoreError.migrationsPending(let names) {
            if names.first == ProductSchema.migrations.sqlite.first?.name {
                throw RegistryError.unavailable("no registry at \(location): create one with `rights init`")
            }
            throw RegistryError.unavailable(
                "the registry at \(location) needs \(names.count) schema migration(s) (\(names.joined(separator: ", "))): "
                    + "run `rights migrate --db <the same database>` first")
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError.unavailable("cannot open \(location): \(StoreLocation.explain(error))")
        }
    }
}

/// Names of the registry's settings kept beside the log.
enum RegistrySettings {
    static let origin = "origin"
    static let timeZone = "time_zone"
}

/// A clock stopped at one instant (`RIGHTS_NOW`).
struct FixedClock: RegistryClock {
    let instant: Date
    func now() -> Date { instant }
}
