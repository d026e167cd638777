import ArgumentParser
import Exchange
import Foundation
import RightsRegistry

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-derive the log and every projection; exit 1 naming the first mismatch.",
        discussion: """
            Recomputes every leaf hash from the stored entries and every stored subtree hash, \
            then replays all entries into a scratch database and compares every projection row \
            with the live one; last, checks the register's invariants as of today (each parcel in one \
            contract, no two leases of a parcel overlapping, every encumbrance on a right in force that \
            holds what it burdens).
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReporting {
            let registry = try await global.openRegistry(writing: false)
            let console = Console.current
            let scratch = NSTemporaryDirectory() + "rights-audit-\(UUID().uuidString).sqlite"
            let result = try await Maintenance(
                store: registry.store, catalog: ProductSchema.catalog, tables: ProductSchema.tables
            ).audit(
                scratchPath: scratch, migrations: ProductSchema.migrations.sqlite,
                checkpointKey: registry.keys?.noteVerifier, on: registry.today
            ) { phase, done, total in
                console.status(
                    progressLine(phase, done: done, of: total))
            }
            console.endStatus()
            if global.json {
                var answer: [String: JSONValue] = [
                    "size": .number(Double(result.size)), "ok": .bool(result.finding == nil),
                ]
                if let root = result.root { answer["root"] = .string(root.base64) }
                if let finding = result.finding { answer["finding"] = .string(finding.description) }
                console.out(CanonicalJSON.string(.object(answer)))
            }
            if let finding = result.finding {
                console.err("audit failed: \(finding)")
                throw ExitCode(1)
            }
            if !global.json {
                console.out(
                    "audit passed: \(result.size) entries, root \(result.root?.base64 ?? TreeHash.emptyRoot.base64), every projection row and checkpoint matches the log"
                )
            }
            if registry.keys == nil {
                console.err("note: no keys at \(global.keyDirectory); checkpoint signatures were not checked")
            }

        }
    }
}

struct Rebuild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild all projections from the log. If interrupted, run it again.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReporting {
            let registry = try await global.openRegistry()
            let console = Console.current
            try await Maintenance(store: registry.store, catalog: ProductSchema.catalog, tables: ProductSchema.tables)
                .rebuild { done, total in
                    console.status(
                        progressLine("replay", done: done, of: total))
                }
            console.endStatus()
            console.out("rebuilt the projections from \(try await registry.store.size()) entries")
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A consistent copy of the registry in a new SQLite file, taken while it is in use.",
        discussion: """
            A SQLite registry is copied with SQLite's online backup. A PostgreSQL registry is copied \
            entry by entry as `rights copy` does, its root checked on arrival; for a full \
            PostgreSQL backup with history use pg_basebackup or pg_dump as well.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Where to write the copy (must not exist).") var file: String

    func run() async throws {
        try await runReporting {
            guard !FileManager.default.fileExists(atPath: file) else {
                throw RegistryError.invalid("file", "\(file) exists; choose a new name")
            }
            let store = try await global.openStore(creating: false)
            if let sqlite = store as? SQLiteRegistryStore {
                try await sqlite.backup(to: file)
                Console.current.out("backed up \(try await store.size()) entries to \(file)")
            } else {
                let target = try await GlobalOptions.openStore(file, creating: true)
                let (size, root) = try await copy(from: store, to: target)
                Console.current.out("backed up \(size) entries to \(file), root \(root.base64)")
            }
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply the schema migrations this version needs (named, append-only, in one transaction).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReporting {
            let location = try StoreLocation(global.databasePath)
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
                throw RegistryError.unavailable("no registry at \(path): create one with `rights init`")
            }
            var pending: [String] = []
            do {
                _ = try await location.open(ProductSchema.migrations, migrate: false)
            } catch StoreError.migrationsPending(let names) {
                pending = names
            }
            if !pending.isEmpty { _ = try await location.open(ProductSchema.migrations, migrate: true) }
            Console.current.out(
                pending.isEmpty
                    ? "\(location): the schema is current"
                    : "\(location): applied \(pending.joined(separator: ", "))")
        }
    }
}

struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a registry to a new database (SQLite ⇄ PostgreSQL); the log is verified on arrival.",
        discussion: """
            Every entry is appended to the new database byte for byte; the copy re-derives every \
            hash and projection row, checks every checkpoint against the copied tree and refuses \
            to finish unless its root equals the source's. Then run `rights audit` on it.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The registry to copy: a SQLite path or postgres://… URL (default: --db).") var from: String?
    @Option(help: "The new database: a SQLite path or postgres://… URL, empty or not yet created.") var to: String

    func run() async throws {
        try await runReporting {
            let source = try await GlobalOptions.openStore(from ?? global.databasePath, creating: false)
            let target = try await GlobalOptions.openStore(to, creating: true)
            let (size, root) = try await copy(from: source, to: target)
            Console.current.out(
                "copied \(size) entries to \((try? StoreLocation(to))?.description ?? to), root \(root.base64) (equal to the source's)"
            )
        }
    }
}

/// Copies with progress on the console.
private func copy(from source: any RegistryStore, to target: any RegistryStore) async throws -> (
    size: UInt64, root: TreeHash
) {
    let console = Console.current
    let result = try await Maintenance(store: source, catalog: ProductSchema.catalog, tables: ProductSchema.tables)
        .copy(to: target) { done, total in
            console.status(progressLine("copy", done: done, of: total))
        }
    console.endStatus()
    return result
}
