import ArgumentParser
import Exchange
import Foundation
import Hummingbird
import Logging
import RegistryServer
import RightsRegistry

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the JSON API (HTTP) on the registry; SIGTERM or SIGINT stops it gracefully.",
        discussion: "With --demo on an empty database it first registers a demo county and prints a token per role.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Flag(help: "Register a demo county first (empty database only) and print one token per role.")
    var demo = false

    @Option(
        help:
            "Where the public reaches this registry (https://…), for the links in certificates' QR codes (default: as the printing browser reached it)."
    )
    var publicURL: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"

    @Option(help: "Seconds a connection may send nothing (or an unfinished request head) before it is closed.")
    var idleTimeout = 30

    @Option(help: "Connections held at once (default: what the open-file limit allows, at most 10,000).")
    var maxConnections: Int?

    @Option(help: "Unknown tokens an address may send before its requests with a token wait (1 s, doubling to 5 min).")
    var authFailures = 5

    @Option(
        help:
            "A witness to send every checkpoint to, as URL=VKEY (C2SP tlog-witness; its cosignatures are published with the checkpoint); repeat."
    )
    var witness: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard (1...3_600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1–3600 seconds") }
        if let maxConnections, !(1...100_000).contains(maxConnections) {
            throw ValidationError("--max-connections must be 1–100000")
        }
        guard (0...1_000_000).contains(authFailures) else { throw ValidationError("--auth-failures must be 0–1000000") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if let publicURL,
            URL(string: publicURL)?.host == nil || !(publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://"))
        {
            throw ValidationError("--public-url must be an http:// or https:// URL")
        }
    }

    func run() async throws {
        try await runReporting {
            // Only the executable bootstraps logging (swift-log's rule); libraries take a Logger.
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var logger = Logger(label: "rights.server")
            logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            if demo { try await prepareDemo() }
            let registry = try await global.openRegistry()
            var services = RegistryServices(
                registry: registry, authFailuresBeforeBackOff: authFailures,
                witnesses: try witness.map(WitnessEndpoint.init))
            services.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            if demo {
                try await printDemoTokens(services)
                try await addDemoUsers(services)
            }
            let (origin, console) = (registry.origin ?? "?", Console.current)
            let files = FileLimit.raise()
            // Past a file-size limit a write fails (and the request is a 503) instead of the
            // kernel killing the server with SIGXFSZ.
            signal(SIGXFSZ, SIG_IGN)
            let limits = ConnectionLimits.forThisProcess(idleTimeout: .seconds(idleTimeout), requested: maxConnections)
            logger.info(
                "connection limits",
                metadata: [
                    "open_files": "\(files)", "max_connections": "\(limits.maxConnections)",
                    "idle_timeout_s": "\(idleTimeout)",
                ])
            logger.info("allocator", metadata: ["jemalloc": "\(Allocator.version ?? "not in use")"])
            let application = buildApplication(
                configuration: ServerConfiguration(
                    host: host, port: port, services: services, logger: logger, limits: limits,
                    onListening: { [host] port in console.out("Serving registry \(origin) on http://\(host):\(port)") })
            )
            try await application.runService()
        }
    }

    /// An empty (or missing) database becomes the demo county.
    func prepareDemo() async throws {
        let store = try await global.openStore(creating: true)
        guard try await store.size() == 0 else {
            Console.current.out("\(global.databaseName) already holds a register; serving it as it is.")
            return
        }
        let keys: KeyRing
        if try await store.setting(RegistrySettings.origin) == nil {
            if let existing = try? KeyRing.load(from: global.keyDirectory) {
                keys = existing
            } else {
                keys = try KeyRing.create(at: global.keyDirectory, origin: DemoCounty.origin, algorithm: .ed25519)
            }

            try await store.setSetting(RegistrySettings.origin, keys.origin)
        } else {
            keys = try KeyRing.load(from: global.keyDirectory)
        }
        let registry = Registry(store: store, keys: keys, reactions: ProductSchema.reactions(store))
        let summary = try await DemoCounty.register(in: registry)
        let listing = try await DemoMarket.announce(in: registry)
        Console.current.out(
            "Demo county registered: \(summary.entries) log entries; listing \(listing.id) is on the exchange board.")
    }

    static func demoPrincipals() throws -> [Principal] {
        [
            Principal(role: .admin, name: "管理员"),
            Principal(role: .clerk, name: "王芳", scope: try RegionCode("330424100")),
            Principal(role: .exchange, name: "海盐县农村产权交易中心"),
            Principal(role: .agent, name: DemoCounty.agentName, party: DemoCounty.agent),
            Principal(role: .bank, name: DemoCounty.bankName, party: DemoCounty.bank),
        ]
    }

    /// One account per role for the pages, each with a new random password, printed once. An
    /// account that exists keeps its password (the demo's output was its only copy).
    func addDemoUsers(_ services: RegistryServices) async throws {
        let existing = Set(try await services.accounts.list().map(\.login))
        var lines: [String] = []
        for principal in try Self.demoPrincipals() where !existing.contains(principal.role.rawValue) {
            let password = "demo-" + Accounts.randomPassword()
            try await services.accounts.add(login: principal.role.rawValue, password: password, principal: principal)
            lines.append("  \(principal.role.rawValue)  \(password)   (\(principal.name))")
        }
        guard !lines.isEmpty else { return }
        Console.current.out("Page accounts, shown once (login name, password) — sign in at /login:")
        for line in lines { Console.current.out(line) }
    }

    func printDemoTokens(_ services: RegistryServices) async throws {
        let principals = try Self.demoPrincipals()
        // Printed as shell lines so the README's curl examples work after pasting them.
        Console.current.out("Tokens, shown once (paste into the shell you run curl from):")
        for principal in principals {
            let (token, _) = try await services.tokens.issue(principal)
            Console.current.out("  export \(principal.role.rawValue.uppercased())_TOKEN=\(token)")
        }
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "API tokens for the JSON server: issue, list, revoke.",
        subcommands: [Issue.self, List.self, Revoke.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a bearer token; it is printed once, only its hash is kept.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "admin, clerk, exchange, agent or bank.")
        var role: String

        @Option(help: "Who the token is for (logged as the actor of its acts).")
        var name: String

        @Option(help: "A clerk's region: a region code prefix (6, 9 or 12 digits).")
        var scope: String?

        @Option(help: "An agent's or bank's identifier (credit code or ID number).")
        var party: String?

        @Option(help: "When it stops working: a last day (YYYY-MM-DD, valid through it) or a period (90d, 12h).")
        var expires: String?

        func run() async throws {
            try await runReporting {
                let principal = try Self.principal(role: role, name: name, scope: scope, party: party)
                let registry = try await global.openRegistry(writing: false)
                let until = try expires.map { try Self.expiry($0, from: registry) }
                let (token, record) = try await TokenStore(store: registry.store, clock: registry.clock).issue(
                    principal, expires: until)
                Console.current.out(token)
                Console.current.err("token \(record.id)\(record.expiresAt.map { ", valid until \($0)" } ?? "")")
            }
        }

        /// Who a token or an account acts as: a clerk needs its region, an agent or a bank its
        /// identifier.
        static func principal(role: String, name: String, scope: String?, party: String?) throws -> Principal {
            guard let role = Role(rawValue: role) else {
                throw RegistryError.invalid("role", "one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard (1...100).contains(name.count) else { throw RegistryError.invalid("name", "1–100 characters") }
            let region = try scope.map { scope in try field("scope") { try RegionCode(scope) } }
            if role == .clerk, region == nil { throw RegistryError.invalid("scope", "a clerk needs --scope") }
            if role == .agent || role == .bank, party == nil {
                throw RegistryError.invalid("party", "an \(role.rawValue) needs --party")
            }
            return Principal(role: role, name: name, scope: region, party: party)
        }

        /// A last day (the token works through it, in the registry's zone) or a period from now.
        static func expiry(_ text: String, from registry: Registry) throws -> Date {
            if let day = try? Day.input(text) {
                return registry.timeZone.instant(of: day.adding(days: 1), hour: 0)
            }
            let units: [Character: Double] = ["d": 86_400, "h": 3_600]
            guard let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()),
                (1...3_650).contains(count)
            else {
                throw RegistryError.invalid("expires", "a last day (YYYY-MM-DD) or a period such as 90d or 12h")
            }
            return registry.clock.now().addingTimeInterval(Double(count) * unit)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every token issued: its id, who it is for, issued, expiry, revocation, last use.")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                let now = registry.clock.now()
                let tokens = try await TokenStore(store: registry.store, clock: registry.clock).list()
                if global.json {
                    Console.current.out(
                        CanonicalJSON.string(.array(tokens.map { $0.record.listing(lastUsed: $0.lastUsed, at: now) })))
                    return
                }
                for (record, used) in tokens {
                    let state = record.revokedAt != nil ? "revoked" : record.isInForce(at: now) ? "active" : "expired"
                    let principal = record.principal
                    Console.current.out(
                        "\(record.id)  \(state)  \(principal.role.rawValue):\(principal.name)"
                            + (principal.scope.map { "  scope \($0)" } ?? "")
                            + (principal.party.map { "  party \($0)" } ?? "")
                            + "  issued \(record.issuedAt ?? "-")  expires \(record.expiresAt ?? "never")"
                            + "  last used \(used ?? "never")")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token by its id (as `token list` shows it); every server refuses it at once.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The token's id, T followed by 12 hex digits.")
        var id: String

        func run() async throws {
            try await runReporting {
                let registry = try await global.openRegistry(writing: false)
                let record = try await TokenStore(store: registry.store, clock: registry.clock).revoke(id)
                Console.current.out("revoked \(record.id) (\(record.principal.role.rawValue):\(record.principal.name))")
            }
        }
    }
}
