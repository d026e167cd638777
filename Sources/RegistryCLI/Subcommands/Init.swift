import ArgumentParser
import Foundation
import RightsRegistry

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the registry database (and, with keys, its signing keys).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The registry's origin: its name in checkpoints, e.g. registry.haiyan.example/330424.")
    var name = "registry.example/330424"

    @Option(name: .long, help: "The registry's time zone.")
    var timeZone = "Asia/Shanghai"

    func run() async throws {
        try await runReporting {
            guard (try? RegistryTimeZone(timeZone)) != nil else {
                throw RegistryError.invalid("time_zone", "unknown time zone \(timeZone)")
            }
            let store = try global.openStore(creating: true)
            if let existing = try await store.setting(RegistrySettings.origin) {
                throw RegistryError.conflict("registry", "\(global.databasePath) is already the registry \(existing)")
            }
            try await store.setSetting(RegistrySettings.origin, name)
            try await store.setSetting(RegistrySettings.timeZone, timeZone)
            if global.json {
                Console.current.out(
                    CanonicalJSON.string(["origin": .string(name), "db": .string(global.databasePath)]))
            } else {
                Console.current.out("Created registry \(name) in \(global.databasePath)")
            }
        }
    }
}
