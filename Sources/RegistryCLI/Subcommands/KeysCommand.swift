import ArgumentParser
import Foundation
import RightsRegistry

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "The registry's signing keys (kept in --keys, never in the database).",
        subcommands: [Rotate.self, JWKS.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new certificate key current; earlier ones stay in the JWKS so their certificates verify.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Algorithm of the new key (default: that of the current key).")
        var algorithm: AlgorithmOption?

        func run() async throws {
            try await runReporting {
                let keys = try KeyRing.load(from: global.keyDirectory)
                let rotated = try keys.rotate(in: global.keyDirectory, algorithm: algorithm?.algorithm)
                Console.current.out(
                    global.json
                        ? CanonicalJSON.string(["kid": .string(rotated.currentCertificateKey.kid)])
                        : "new certificate key \(rotated.currentCertificateKey.kid) (\(rotated.currentCertificateKey.algorithm.jwsName)); \(rotated.certificateKeys.count) keys in the JWKS"
                )
            }
        }
    }

    struct JWKS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jwks", abstract: "Print the certificate public keys (JWKS) to publish.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                Console.current.out(CanonicalJSON.string(try KeyRing.load(from: global.keyDirectory).jwks))
            }
        }
    }
}
