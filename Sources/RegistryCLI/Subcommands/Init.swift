import ArgumentParser
import Foundation
import RightsRegistry

/// `--algorithm` values.
enum AlgorithmOption: String, ExpressibleByArgument, CaseIterable {
    case ed25519
    case sm2

    var algorithm: SignatureAlgorithm { self == .sm2 ? .sm2 : .ed25519 }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the registry database (and, with keys, its signing keys).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "The registry's origin: its name in checkpoints, e.g. registry.haiyan.example/330424.")
    var name = "registry.example/330424"

    @Option(name: .long, help: "The registry's time zone.")
    var timeZone = "Asia/Shanghai"

    @Option(name: .long, help: "Certificate signature algorithm: ed25519 (JWS EdDSA) or sm2 (JWS SM2-SM3).")
    var algorithm: AlgorithmOption = .ed25519

    func run() async throws {
        try await runReporting {
            // Everything that can be checked is checked before anything is created.
            try field("name") { try Checkpoint.validateOrigin(name) }
            guard (try? RegistryTimeZone(timeZone)) != nil else {
                throw RegistryError.invalid("time_zone", "unknown time zone \(timeZone)")
            }
            let keyDirectory = global.keyDirectory
            if KeyRing.exists(at: keyDirectory) {
                throw RegistryError.conflict("keys", "\(keyDirectory) already holds keys")
            }
            let location = try StoreLocation(global.databasePath)
            var createdFile: String?
            if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) { createdFile = path }
            let keyDirectoryExisted = FileManager.default.fileExists(atPath: keyDirectory)
            var createdKeys = false
            let keys: KeyRing
            do {
                let store = try await global.openStore(creating: true)
                if let existing = try await store.setting(RegistrySettings.origin) {
                    throw RegistryError.conflict(
                        "registry", "\(global.databaseName) is already the registry \(existing)")
                }
                let size = try await store.size()
                guard size == 0 else {
                    throw RegistryError.conflict(
                        "registry",
                        "\(global.databaseName) holds \(size) log entries but no registry name; it was not made by `rights init`"
                    )
                }
                keys = try KeyRing.create(at: keyDirectory, origin: name, algorithm: algorithm.algorithm)
                createdKeys = true
                // The origin last: a registry without it is an empty database `init` may still make.
                try await store.setSetting(RegistrySettings.timeZone, timeZone)
                try await store.setSetting(RegistrySettings.origin, name)
            } catch {
                // Leave nothing half-made behind: the keys this run wrote, and a database file
                // it created.
                if createdKeys { KeyRing.discard(at: keyDirectory, removeDirectory: !keyDirectoryExisted) }
                if let createdFile {
                    for suffix in ["", "-wal", "-shm"] {
                        try? FileManager.default.removeItem(atPath: createdFile + suffix)
                    }
                }
                throw error
            }
            if global.json {
                Console.current.out(
                    CanonicalJSON.string([
                        "origin": .string(name), "db": .string(global.databaseName),
                        "keys": .string(keyDirectory),
                        "verifier_key": .string(keys.verifierKey),
                        "certificate_kid": .string(keys.currentCertificateKey.kid),
                    ]))
            } else {
                Console.current.out("Created registry \(name) in \(global.databaseName), keys in \(keyDirectory)")
                Console.current.out("checkpoint verifier key: \(keys.verifierKey)")
            }
        }
    }
}
