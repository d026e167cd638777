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
            with the live one.
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
                scratchPath: scratch, migrations: ProductSchema.sqlite, checkpointKey: registry.keys?.noteVerifier
            ) { phase, done, total in
                console.status(
                    "\(phase) \(progressBar(total == 0 ? 1 : Double(done) / Double(total)))  \(done)/\(total)")
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
                        "replay \(progressBar(total == 0 ? 1 : Double(done) / Double(total)))  \(done)/\(total)")
                }
            console.endStatus()
            console.out("rebuilt the projections from \(try await registry.store.size()) entries")
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A consistent copy of the registry, taken while it is in use.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Where to write the copy (must not exist).") var file: String

    func run() async throws {
        try await runReporting {
            guard !FileManager.default.fileExists(atPath: file) else {
                throw RegistryError.invalid("file", "\(file) exists; choose a new name")
            }
            let store = try global.openStore(creating: false)
            guard let sqlite = store as? SQLiteRegistryStore else {
                throw RegistryError.unavailable("backup of this store is not supported")
            }
            try await sqlite.backup(to: file)
            Console.current.out("backed up \(try await store.size()) entries to \(file)")
        }
    }
}
