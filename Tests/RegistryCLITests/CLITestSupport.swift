import ArgumentParser
import Foundation
import RegistryTestSupport
import RightsRegistry
import Synchronization
import Testing

@testable import RegistryCLI

/// The output of one in-process `rights` invocation.
struct Invocation {
    let exitCode: Int32
    let out: [String]
    let err: [String]

    var stdout: String { out.joined(separator: "\n") }
    var stderr: String { err.joined(separator: "\n") }

    func json() throws -> JSONValue { try JSONParser.parse(stdout) }
}

/// Runs `rights` in-process against a new database — a file in a temporary directory, or a
/// PostgreSQL schema when the tests run on PostgreSQL (`TestStore.default`) — with its keys
/// and files in the directory.
struct CLI {
    let temporary: TemporaryDirectory
    var directory: String { temporary.path }
    /// `--db`.
    let db: String

    init() async throws {
        temporary = try TemporaryDirectory("rights-cli")
        db =
            TestStore.default == .postgres
            ? try await TestStore.postgres.newLocation() : temporary.file("registry.sqlite")
    }

    func callAsFunction(_ arguments: String...) async -> Invocation {
        await run(arguments)
    }

    /// Runs against `db` (another database when given).
    func run(_ arguments: [String], db: String? = nil) async -> Invocation {
        let out = Mutex<[String]>([])
        let err = Mutex<[String]>([])
        let console = Console(
            out: { line in out.withLock { $0.append(line) } }, err: { line in err.withLock { $0.append(line) } },
            isTerminal: false)
        let code: Int32 = await Console.$current.withValue(console) {
            do {
                var command = try Rights.parseAsRoot(
                    arguments + ["--db", db ?? self.db, "--keys", directory + "/keys"])
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                return 0
            } catch {
                let exit = Rights.exitCode(for: error).rawValue
                if exit != 0, !(error is ExitCode) {
                    err.withLock { $0.append(Rights.message(for: error)) }
                }
                return exit
            }
        }
        return Invocation(exitCode: code, out: out.withLock { $0 }, err: err.withLock { $0 })
    }

    func write(_ name: String, _ contents: String) throws -> String {
        let path = directory + "/" + name
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

func countyFile(_ county: SyntheticCounty) -> String {
    var text = ""
    county.lines { text += $0 + "\n" }
    return text
}
