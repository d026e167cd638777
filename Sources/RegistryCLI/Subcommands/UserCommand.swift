import ArgumentParser
import Foundation
import RegistryServer
import RightsRegistry

/// Accounts for the pages (`rights serve`'s clerk desk, exchange, bank search): who signs in
/// with a password, acting as which role.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Accounts for the pages: add, list, disable.",
        subcommands: [Add.self, List.self, Disable.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or replace) an account; the password is read from standard input (one line).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The login name: letters, digits, '.', '_' or '-'.")
        var login: String

        @Option(help: "admin, clerk, exchange, agent or bank.")
        var role: String

        @Option(help: "The person's name (logged as the actor of their acts).")
        var name: String

        @Option(help: "A clerk's region: a region code prefix (6, 9 or 12 digits).")
        var scope: String?

        @Option(help: "An agent's or bank's identifier (credit code or ID number).")
        var party: String?

        func run() async throws {
            try await runReporting {
                let principal = try Token.Issue.principal(role: role, name: name, scope: scope, party: party)
                // The password never appears on the command line (where `ps` would show it).
                guard let password = readLine(strippingNewline: true) else {
                    throw RegistryError.invalid("password", "give the password on standard input")
                }
                let registry = try await global.openRegistry(writing: false)
                try await Accounts(store: registry.store, clock: registry.clock).add(
                    login: login, password: password, principal: principal)
                Console.current.out("account \(login): \(principal.role.rawValue):\(principal.name)")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every account, its role and whether it is disabled.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                for (login, principal, disabled) in try await Accounts(store: registry.store).list() {
                    Console.current.out(
                        "\(login)  \(principal.role.rawValue):\(principal.name)"
                            + (principal.scope.map { "  scope \($0)" } ?? "")
                            + (principal.party.map { "  party \($0)" } ?? "") + (disabled ? "  disabled" : ""))
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: its sessions end at their next request.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The login name.")
        var login: String

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                try await Accounts(store: registry.store, clock: registry.clock).disable(login: login)
                Console.current.out("disabled \(login)")
            }
        }
    }
}
