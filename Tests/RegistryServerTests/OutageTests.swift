import Exchange
import Foundation
import HTTPTypes
import HummingbirdTesting
import RegistryServer
import RegistryTestSupport
import RightsRegistry
import Testing

/// A bad day: the database goes away and comes back. Clients get 503 with `Retry-After` and a
/// stable code — never a 500 — the cause is logged once, `/metrics` and `/readyz` say so.
@Suite("Store outages")
struct OutageTests {
    static let search = TokenTests.search

    @Test(
        "PostgreSQL down: 503 unavailable.database with Retry-After, /readyz 503, /healthz 200, logged once, on /metrics; back up: writes again",
        .enabled(if: TestStore.postgresURL != nil, "needs PostgreSQL (RIGHTS_TEST_POSTGRES_URL)"))
    func databaseDown() async throws {
        let direct = try #require(URLComponents(string: try await TestStore.postgres.newLocation()))
        let proxy = try TCPProxy(to: direct.host ?? "127.0.0.1", port: UInt16(direct.port ?? 5432))
        defer { proxy.stop() }
        var proxied = direct
        proxied.host = "127.0.0.1"
        proxied.port = Int(proxy.port)
        let store = try await TestStore.postgres.open(try #require(proxied.string), ProductSchema.migrations)
        let fixture = try await ServerFixture(store: store)
        try await fixture.test { client in
            func searchOnce() async throws -> TestResponse {
                try await client.execute(
                    uri: "/v1/collateral/searches", method: .post, headers: fixture.headers("bank"),
                    body: jsonBody(Self.search))
            }
            #expect(try await searchOnce().status == .created)
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)

            proxy.cut()
            for _ in 0..<3 {
                let refused = try await searchOnce()
                #expect(refused.status == .serviceUnavailable, "\(refused.text)")
                #expect(refused.json["code"] == "unavailable.database", "\(refused.text)")
                #expect(refused.headers[.retryAfter] != nil)
            }
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable && ready.json["code"] == "unavailable.database")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("rights_store_available 0"), "\(metrics.text)")
            #expect(metrics.text.contains("rights_store_unavailable_total{code=\"unavailable.database\"}"))
            let logged = fixture.logs.lines.withLock { $0.filter { $0.contains("store unavailable") } }
            #expect(logged.count == 1, "the outage is logged once per episode: \(logged)")

            proxy.restore()
            var back = false
            for _ in 0..<60 where !back {
                back = try await client.execute(uri: "/readyz", method: .get).status == .ok
                if !back { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(back, "/readyz after the database came back")
            #expect(try await searchOnce().status == .created)
            #expect(fixture.logs.lines.withLock { $0.contains { $0.contains("store available again") } })
            let after = try await client.execute(uri: "/metrics", method: .get)
            #expect(after.text.contains("rights_store_available 1"))
        }
    }

    @Test("failed authentications from one address back off exponentially: 429 with Retry-After, counted on /metrics")
    func bruteForce() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.live) { client in
            let uri = "/v1/rights/\(ServerFixture.contract)"
            for attempt in 1...6 {
                let wrong = try await client.execute(
                    uri: uri, method: .get, headers: fixture.headers("rr_guess-\(attempt)"))
                #expect(wrong.status == .unauthorized, "attempt \(attempt)")
            }
            // Now the address waits: even a good token is not looked at, the public still is served.
            let throttled = try await client.execute(uri: uri, method: .get, headers: fixture.headers("rr_guess-7"))
            #expect(throttled.status == .tooManyRequests && throttled.json["code"] == "auth.throttled")
            let wait = try #require(throttled.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait == 1, "the first wait is one second")
            #expect(
                try await client.execute(uri: uri, method: .get, headers: fixture.headers("clerk")).status
                    == .tooManyRequests)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            fixture.backOffClock.advance(.seconds(wait))
            // Each further failure doubles the wait.
            #expect(
                try await client.execute(uri: uri, method: .get, headers: fixture.headers("rr_guess-8")).status
                    == .unauthorized)
            let longer = try await client.execute(uri: uri, method: .get, headers: fixture.headers("rr_guess-9"))
            #expect(longer.headers[.retryAfter].flatMap { Int($0) } == 2)
            fixture.backOffClock.advance(.seconds(2))
            #expect(try await client.execute(uri: uri, method: .get, headers: fixture.headers("clerk")).status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains("rights_auth_failures_total 7"), "\(metrics)")
            #expect(metrics.contains("rights_auth_throttled_total 3"))
        }
    }
}
