import Foundation
import PostgresNIO

/// A PostgreSQL database named by a URL, `postgres://user:password@host:port/database`, with the
/// libpq query parameters this store honours: `sslmode` (disable, prefer — the default —,
/// require, verify-full) and `schema`, the schema the registry's tables live in (created by
/// `rights init`; default: the user's search path, normally `public`). One schema holds one
/// registry, so a county's registry can share a database with others.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let user: String
    public let password: String?
    public let database: String
    public let schema: String?
    let tls: PostgresClient.Configuration.TLS

    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(url text: String) throws {
        guard Self.isURL(text), let url = URLComponents(string: text), let host = url.host, !host.isEmpty else {
            throw RegistryError.invalid("db", "write a PostgreSQL URL like postgres://user:password@host:5432/database")
        }
        self.host = host
        port = url.port ?? 5432
        user = url.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        password = url.password?.removingPercentEncoding
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        database = path.isEmpty ? user : path
        let query = Dictionary(
            (url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        schema = query["schema"].flatMap { $0.isEmpty ? nil : $0 }
        switch query["sslmode"] ?? "prefer" {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require":
            // libpq's `require`: encrypted, the server's certificate not checked.
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            tls = .require(configuration)
        case "verify-full", "verify-ca": tls = .require(.makeClientConfiguration())
        case let mode:
            throw RegistryError.invalid("db", "sslmode \(mode) is not one of disable, prefer, require, verify-full")
        }
    }

    /// The URL without the password, for messages and logs.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }

    var configuration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls)
        if let schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        configuration.options.connectTimeout = .seconds(5)
        // One connection stays open and none is pinged while idle: the pool otherwise arms an
        // idle-timeout and a keep-alive timer each time a connection goes back to it and cancels
        // them at the next lease — tasks and dispatch timers that cost more than a key lookup
        // (BENCHMARKS.md, eleventh session); the first connection, kept, has neither. (Two kept
        // per store, the test suite's stores opened more than PostgreSQL's 300 connections at
        // once.) A connection the server closes is dropped when its socket closes; one lost
        // silently fails its next statement, which the caller is told is an outage to retry
        // (`unavailable.database`).
        configuration.options.keepAliveBehavior = nil
        configuration.options.minimumConnections = 1
        return configuration
    }
}

extension StoreLocation {
    /// An error opening a store, for people. PostgresNIO's errors describe themselves
    /// generically so that queries and secrets stay out of logs; this names the server's
    /// message or the connection failure instead.
    public static func explain(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}
