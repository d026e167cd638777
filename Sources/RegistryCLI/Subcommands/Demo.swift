import ArgumentParser
import Exchange
import Foundation
import RightsRegistry

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register a small demo county and perform a few acts on it, then print the register.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await runReporting {
            let store = try await global.openStore(creating: true)
            let keys: KeyRing
            if let origin = try await store.setting(RegistrySettings.origin) {
                keys = try KeyRing.load(from: global.keyDirectory)
                guard keys.origin == origin else {
                    throw RegistryError.unavailable(
                        "the keys in \(global.keyDirectory) belong to \(keys.origin), not to \(origin)")
                }
            } else {
                keys = try KeyRing.create(at: global.keyDirectory, origin: DemoCounty.origin, algorithm: .ed25519)
                try await store.setSetting(RegistrySettings.origin, DemoCounty.origin)
            }
            let registry = Registry(store: store, keys: keys, reactions: ProductSchema.reactions(store))
            let console = Console.current
            if try await store.size() == 0 {
                let summary = try await DemoCounty.register(in: registry)
                let listing = try await DemoMarket.announce(in: registry)
                console.out("Demo county registered in \(global.databaseName): \(summary.entries) log entries.")
                console.out(
                    "On the exchange: listing \(listing.id), a lease of \(listing.right.rawValue), open for intents.")
            } else {
                console.out(
                    "\(global.databaseName) already holds a register (\(try await store.size()) entries); showing it.")
            }
            for right in try await registry.reads.rights(RightQuery(limit: 12)) {
                console.out(RightText.line(right, on: registry.today))
            }
            console.out("…  (rights right list --region 330424 for all; rights right show ID for one)")
        }
    }
}
