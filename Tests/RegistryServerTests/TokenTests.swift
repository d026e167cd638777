import Foundation
import HTTPTypes
import HummingbirdTesting
import RegistryServer
import RightsRegistry
import Testing

/// Tokens have a life (issue, expiry, revocation, last use), and idempotency keys belong to the
/// token that used them.
@Suite("Tokens and idempotency keys")
struct TokenTests {
    static let search: JSONValue = [
        "right_id": .string(ServerFixture.contract),
        "holder_id_number": .string(DemoCounty.county.citizenID(3).rawValue), "purpose": "贷前审查",
    ]

    @Test("two banks issued with one name share no idempotency key: each is answered with its own search")
    func keysBelongToTokens() async throws {
        let fixture = try await ServerFixture()
        let twin = try await fixture.services.tokens.issue(
            Principal(role: .bank, name: DemoCounty.bankName, party: "91330424MA2B8888X0")
        ).token
        try await fixture.test { client in
            let key: HTTPFields = [Idempotency.header: "search-0001"]
            let first = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: fixture.headers("bank", key),
                body: jsonBody(Self.search))
            #expect(first.status == .created)
            let other = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: fixture.headers(twin, key),
                body: jsonBody(Self.search))
            #expect(other.status == .created)
            #expect(other.headers[Idempotency.replayed] == nil, "bank B was answered with bank A's answer")
            #expect(other.json["search"] != first.json["search"])
            let payload = try #require(other.json["jws"]?.stringValue?.split(separator: ".").dropFirst().first)
            let claims = try JSONParser.parse(Array(Base64URL.decode(String(payload)) ?? []))
            #expect(claims["search"] == other.json["search"], "bank B's signed result is its own search")
            // Bank A's retry is its own answer again; the same key on another route is another key.
            let retry = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: fixture.headers("bank", key),
                body: jsonBody(Self.search))
            #expect(retry.headers[Idempotency.replayed] == "true" && retry.json["search"] == first.json["search"])
            let elsewhere = try await client.execute(
                uri: "/v1/mortgages", method: .post, headers: fixture.headers("bank", key), body: jsonBody([:]))
            #expect(elsewhere.status == .unprocessableContent && elsewhere.json["code"] != "idempotency.mismatch")
            // The public keeps no keys: its retries are answered afresh.
            let verify: (String) async throws -> TestResponse = { text in
                try await client.execute(
                    uri: "/v1/certificates/verify", method: .post, headers: key, body: textBody(text))
            }
            let public1 = try await verify("a")
            let public2 = try await verify("b")
            #expect(public1.headers[Idempotency.replayed] == nil && public2.status != .unprocessableContent)
        }
    }

    @Test(
        "an administrator lists tokens (never the token), sees last use, and revokes one: refused at the next request")
    func revocation() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let clerk = fixture.headers("clerk")
            #expect(
                try await client.execute(uri: "/v1/rights/\(ServerFixture.contract)", method: .get, headers: clerk)
                    .status == .ok)
            let listed = try await client.execute(uri: "/v1/tokens", method: .get, headers: fixture.headers("admin"))
            #expect(listed.status == .ok)
            for token in fixture.tokens.values { #expect(!listed.text.contains(token), "a token in the listing") }
            let tokens = listed.json["tokens"]?.arrayValue ?? []
            let entry = try #require(tokens.first { $0["name"] == "王芳" }, "\(listed.text)")
            #expect(entry["state"] == "active" && entry["role"] == "clerk")
            #expect(entry["last_used"]?.stringValue?.hasPrefix("2026-11-20") == true, "\(entry)")
            #expect(entry["issued_at"]?.stringValue != nil)
            let id = try #require(entry["id"]?.stringValue)

            let revoked = try await client.execute(
                uri: "/v1/tokens/\(id)/revoke", method: .post, headers: fixture.headers("admin"))
            #expect(revoked.status == .ok && revoked.json["state"] == "revoked", "\(revoked.text)")
            let refused = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)", method: .get, headers: clerk)
            #expect(refused.status == .unauthorized && refused.json["code"] == "auth.token")
            let unknown = try await client.execute(
                uri: "/v1/tokens/T000000000000/revoke", method: .post, headers: fixture.headers("admin"))
            #expect(unknown.status == .notFound)
        }
    }

    @Test("a token with an expiry works until then and is refused after, and listed as expired")
    func expiry() async throws {
        let fixture = try await ServerFixture()
        let (token, record) = try await fixture.services.tokens.issue(
            Principal(role: .clerk, name: "临时", scope: try RegionCode("330424100")),
            expires: fixture.clock.now().addingTimeInterval(3600))
        #expect(record.expiresAt != nil)
        try await fixture.test { client in
            let uri = "/v1/rights/\(ServerFixture.contract)"
            #expect(try await client.execute(uri: uri, method: .get, headers: fixture.headers(token)).status == .ok)
            fixture.clock.advance(days: 1)
            let late = try await client.execute(uri: uri, method: .get, headers: fixture.headers(token))
            #expect(late.status == .unauthorized)
            let listed = try await client.execute(uri: "/v1/tokens", method: .get, headers: fixture.headers("admin"))
            let entry = listed.json["tokens"]?.arrayValue?.first { $0["id"]?.stringValue == record.id }
            #expect(entry?["state"] == "expired", "\(listed.text)")
        }
    }
}
