import Foundation
import Logging
import PostgresNIO
import RegistryTestSupport
import Synchronization
import Testing

@testable import RightsRegistry

/// PostgreSQL read sessions (issue 16): the reads of one request share one pooled connection,
/// and nothing started inside a session can use that connection once it went back to the pool.
@Suite("PostgreSQL read sessions", .enabled(if: TestStore.postgresURL != nil))
struct ReadSessionTests {
    func store() async throws -> PostgresRegistryStore {
        try #require(try await TestStore.postgres.make() as? PostgresRegistryStore)
    }

    @Test("the reads inside `reading` take one lease between them; outside, one each")
    func oneLease() async throws {
        let store = try await store()
        try await store.setSetting("origin", "registry.test/330424")
        let before = store.leases
        for _ in 0..<5 { #expect(try await store.setting("origin") == "registry.test/330424") }
        #expect(store.leases == before + 5)
        let values = try await store.reading {
            var values: [String?] = []
            for _ in 0..<5 { values.append(try await store.setting("origin")) }
            values.append(String(try await store.size()))
            return values
        }
        #expect(values == Array(repeating: "registry.test/330424", count: 5) + ["0"])
        #expect(store.leases == before + 6, "one lease for the six reads of the session")
        // A nested session is the same session.
        _ = try await store.reading { try await store.reading { try await store.size() } }
        #expect(store.leases == before + 7)
    }

    @Test("a lease and the work on its connection run on the connection's event loop, one loop for all of them")
    func onTheLoop() async throws {
        let store = try await store()
        let logger = Logger(label: "rights.test")
        let onLoop = try await store.connected { connection in connection.eventLoop.inEventLoop }
        #expect(onLoop, "the work on a leased connection ran on another thread than its connection's")
        // Three leases held at once: three connections, all on the store's one loop.
        let loops = try await withThrowingTaskGroup(of: (ObjectIdentifier, Bool).self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await store.connected { connection in
                        _ = try await connection.query("SELECT pg_sleep(0.2)", logger: logger).collect()
                        return (ObjectIdentifier(connection.eventLoop), connection.eventLoop.inEventLoop)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(loops.allSatisfy { $0.1 }, "a statement's answer resumed the work on another thread")
        #expect(Set(loops.map(\.0)).count == 1, "the store's connections live on \(Set(loops.map(\.0)).count) loops")
    }

    @Test("a task started inside a session and reading after it ended leases a connection of its own")
    func leakedTask() async throws {
        let store = try await store()
        try await store.setSetting("origin", "registry.test/330424")
        let gate = AsyncStream<Void>.makeStream()
        let late = try await store.reading {
            Task {
                for await _ in gate.stream { break }
                return try await store.setting("origin")
            }
        }
        let before = store.leases
        gate.continuation.yield()
        #expect(try await late.value == "registry.test/330424")
        #expect(store.leases == before + 1, "the late read took its own lease")
    }

    @Test("closing waits for the read in flight and refuses new ones")
    func closeWaits() async throws {
        let logger = Logger(label: "rights.test")
        let connection = try await Self.connect(id: 3)
        let session = ReadSession(store: ObjectIdentifier(connection), connection: connection)
        let finished = Atomic<Bool>(false)
        let started = AsyncStream<Void>.makeStream()
        let read = Task {
            try await session.run { connection in
                started.continuation.yield()
                _ = try await connection.query("SELECT pg_sleep(0.3)", logger: logger).collect()
                finished.store(true, ordering: .sequentiallyConsistent)
            }
        }
        for await _ in started.stream { break }
        await session.close()
        let finishedAtClose = finished.load(ordering: .sequentiallyConsistent)
        #expect(finishedAtClose, "close returned before the read finished")
        #expect(try await read.value != nil)
        let refused = try await session.run { _ in true }
        #expect(refused == nil, "a read after close is not run on the session's connection")
        try await connection.close()
    }

    /// A connection of its own to the test database, outside any pool.
    static func connect(id: Int) async throws -> PostgresConnection {
        let location = try PostgresLocation(url: try #require(TestStore.postgresURL))
        return try await PostgresConnection.connect(
            configuration: PostgresConnection.Configuration(
                host: location.host, port: location.port, username: location.user, password: location.password,
                database: location.database, tls: .disable),
            id: id, logger: Logger(label: "rights.test"))
    }

    @Test(
        "a statement on a connection that closed after its lease is refused at once as an outage, where PostgresNIO alone waits for ever"
    )
    func closedConnection() async throws {
        let logger = Logger(label: "rights.test")
        let connection = try await Self.connect(id: 4)
        try await connection.close()
        let refused = await outcome(within: .seconds(5)) {
            do {
                _ = try await PostgresRegistryStore.statement("SELECT 1", on: connection, logger: logger)
                return "answered"
            } catch {
                return (error as? RegistryError)?.code ?? "\(error)"
            }
        }
        #expect(refused == "unavailable.database", "nil: still waiting after 5 s")
        // What the store guards against (seen as a search hanging in the outage test): the query
        // handed to PostgresNIO directly is never answered. Should a later PostgresNIO fail it,
        // this expectation says the guard may go.
        let direct = await outcome(within: .seconds(1)) {
            _ = try? await connection.query("SELECT 1", logger: logger).collect()
            return "answered or failed"
        }
        #expect(direct == nil, "PostgresNIO itself ended a query on a closed connection")
    }
}
