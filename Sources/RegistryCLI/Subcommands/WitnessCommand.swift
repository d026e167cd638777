import ArgumentParser
import Foundation
import Hummingbird
import Logging
import RegistryServer
import RightsRegistry

/// A witness (C2SP tlog-witness) for the registries a province or city follows: `init` makes its
/// key and prints its verifier key; `serve` answers `add-checkpoint` for the logs given.
struct WitnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "witness", abstract: "A transparency-log witness that cosigns registries' checkpoints.",
        subcommands: [Init.self, Serve.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a witness key (kept in FILE, mode 0600) and print its verifier key.")
        @Option(help: "The witness's name (a schema-less URL, e.g. witness.zj.example/1).") var name: String
        @Option(help: "Where to keep the private key.") var key: String

        func run() async throws {
            try await runReporting {
                guard !FileManager.default.fileExists(atPath: key) else {
                    throw RegistryError.conflict("key", "\(key) exists; a witness keeps its key")
                }
                let seed = (0..<32).map { _ in UInt8.random(in: 0...255) }
                let signing = try SigningKey.ed25519(seed: seed)
                guard
                    FileManager.default.createFile(
                        atPath: key, contents: Data((Data(seed).base64EncodedString() + "\n").utf8),
                        attributes: [.posixPermissions: 0o600])
                else { throw RegistryError.invalid("key", "cannot write \(key)") }
                Console.current.out(Witness(name: name, key: signing, logs: []).verifierKey ?? "")
            }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve POST /add-checkpoint for the logs given; the state file keeps what was cosigned.")
        @Option(help: "The witness's name, as given to `witness init`.") var name: String
        @Option(help: "The private key file `witness init` wrote.") var key: String
        @Option(help: "The state file (SQLite): the head cosigned per log. Losing it retires the witness.")
        var state: String
        @Option(help: "A log to follow: its checkpoint verifier key (as `rights log key` prints it); repeat.")
        var log: [String] = []
        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on (0: any free port).") var port = 7380

        func run() async throws {
            try await runReporting {
                LoggingSystem.bootstrap(StreamLogHandler.standardError)
                let logger = Logger(label: "rights.witness")
                guard let text = try? String(contentsOfFile: key, encoding: .utf8),
                    let seed = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)),
                    seed.count == 32
                else { throw RegistryError.invalid("key", "\(key) is not a key `rights witness init` wrote") }
                let logs = try log.map { vkey in
                    do { return try SignedNote.Verifier(vkey) } catch { throw RegistryError.invalid("log", "\(error)") }
                }
                guard !logs.isEmpty else { throw RegistryError.invalid("log", "follow at least one log (--log VKEY)") }
                let witness = Witness(name: name, key: try SigningKey.ed25519(seed: Array(seed)), logs: logs)
                let server = WitnessServer(witness: witness, store: try WitnessStore(path: state))
                let console = Console.current
                let application = Application(
                    router: server.router(),
                    configuration: ApplicationConfiguration(
                        address: .hostname(host, port: port), serverName: "rights-witness"),
                    onServerRunning: { [host, name] channel in
                        console.out("Serving witness \(name) on http://\(host):\(channel.localAddress?.port ?? 0)")
                    },
                    logger: logger)
                try await application.runService()
            }
        }
    }
}
