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
            guard (try? RegistryTimeZone(timeZone)) != nil else {
                throw RegistryError.invalid("time_zone", "unknown time zone \(timeZone)")
            }
            let store = try await global.openStore(creating: true)
            if let existing = try await store.setting(RegistrySettings.origin) {
                throw RegistryError.conflict("registry", "\(global.databaseName) is already the registry \(existing)")
            }
            let keys = try KeyRing.create(at: global.keyDirectory, origin: name, algorithm: algorithm.algorithm)
            try await store.setSetting(RegistrySettings.origin, name)
            try await store.setSetting(RegistrySettings.timeZone, timeZone)
            if global.json {
                Console.current.out(
                    CanonicalJSON.string([
                        "origin": .string(name), "db": .string(global.databaseName),
                        "keys": .string(global.keyDirectory),
                        "verifier_key": .string(keys.verifierKey),
                        "certificate_kid": .string(keys.currentCertificateKey.kid),
                    ]))
            } else {
                Console.current.out(
                    "Created registry \(name) in \(global.databaseName), keys in \(global.keyDirectory)")
                Console.current.out("checkpoint verifier key: \(keys.verifierKey)")
            }
        }
    }
}
