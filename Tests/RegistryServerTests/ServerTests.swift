import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RegistryServer
import RightsRegistry
import Testing

@Suite("JSON server")
struct ServerTests {
    /// A request that reaches each endpoint's handler: real path values, an empty JSON body.
    static func probe(_ endpoint: Endpoint) -> (uri: String, body: ByteBuffer?) {
        var uri = endpoint.path
            .replacingOccurrences(of: "{id}", with: ServerFixture.contract)
            .replacingOccurrences(of: "{code}", with: ServerFixture.household)
            .replacingOccurrences(of: "{index}", with: "3")
        if endpoint.path.hasSuffix("/inclusion") { uri += "?index=1" }
        if endpoint.path.hasSuffix("/consistency") { uri += "?from=1&to=2" }
        return (uri, endpoint.method == .post ? jsonBody([:]) : nil)
    }

    @Test(
        "role × route: no token 401 on protected routes, unknown token 401 everywhere, wrong role 403, right role passes"
    )
    func roleMatrix() async throws {
        let fixture = try await ServerFixture()
        let endpoints = fixture.services.endpoints
        #expect(endpoints.count >= 20)
        try await fixture.test { client in
            for endpoint in endpoints {
                let (uri, body) = Self.probe(endpoint)
                let anonymous = try await client.execute(uri: uri, method: endpoint.method, body: body)
                let bogus = try await client.execute(
                    uri: uri, method: endpoint.method, headers: fixture.headers("rr_not-a-token"), body: body)
                #expect(bogus.status == .unauthorized, "\(endpoint.method) \(endpoint.path) with an unknown token")
                guard let roles = endpoint.access.roles else {
                    #expect(
                        anonymous.status != .unauthorized && anonymous.status != .forbidden,
                        "\(endpoint.path) is public")
                    continue
                }
                #expect(anonymous.status == .unauthorized, "\(endpoint.method) \(endpoint.path) without a token")
                #expect(anonymous.json["code"] == "auth.token")
                for role in ServerFixture.roles {
                    let response = try await client.execute(
                        uri: uri, method: endpoint.method, headers: fixture.headers(role), body: body)
                    let baseRole = role.replacingOccurrences(of: "other", with: "").lowercased()
                    if roles.contains(Role(rawValue: baseRole)!) {
                        #expect(
                            response.status != .unauthorized
                                && !(response.status == .forbidden && response.json["code"] == "auth.role"),
                            "\(role) on \(endpoint.method) \(endpoint.path): \(response.status)")
                    } else {
                        #expect(response.status == .forbidden, "\(role) on \(endpoint.method) \(endpoint.path)")
                        #expect(response.json["code"] == "auth.role")
                    }
                }
            }
        }
    }

    @Test("an agent reads a right only under its holder's registered mandate (FLM-8), with ID numbers masked")
    func agentMandate() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let agent = fixture.headers("agent")
            let mandated = try await client.execute(
                uri: "/v1/rights/330424100200000006J", method: .get, headers: agent)
            #expect(mandated.status == .ok)
            let members = mandated.json["household_members"]?.arrayValue ?? []
            #expect(!members.isEmpty)
            #expect(members.allSatisfy { $0["id_number"]?.stringValue?.contains("********") == true })

            let uri = "/v1/rights/\(ServerFixture.contract)"
            let refused = try await client.execute(uri: uri, method: .get, headers: agent)
            #expect(refused.status == .forbidden)
            #expect(refused.json["code"] == "auth.mandate")
            let otherBank = try await client.execute(uri: uri, method: .get, headers: fixture.headers("bank"))
            #expect(otherBank.json["code"] == "auth.role")

            // The clerk registers household 2's 委托书; it is a log entry, and from then on the agent reads.
            let size = try await fixture.services.registry.store.size()
            let mandate: JSONValue = [
                "principal": .string("household:\(ServerFixture.household)"), "agent": .string(DemoCounty.agent),
                "agent_name": .string(DemoCounty.agentName), "matters": ["lease"], "authority": "代为办理流转挂牌",
                "term": ["start": "2026-11-20", "end": "2027-11-19"], "document": "委托书(2026)02号",
                "signed_by_principal": true, "signed_by_agent": true,
            ]
            let registered = try await client.execute(
                uri: "/v1/mandates", method: .post, headers: fixture.headers("clerk"), body: jsonBody(mandate))
            #expect(registered.status == .created, "\(registered.text)")
            #expect(try await fixture.services.registry.store.size() == size + 1)
            #expect(try await client.execute(uri: uri, method: .get, headers: agent).status == .ok)

            var unsigned = mandate.objectValue!
            unsigned["signed_by_agent"] = false
            let refusedMandate = try await client.execute(
                uri: "/v1/mandates", method: .post, headers: fixture.headers("clerk"), body: jsonBody(.object(unsigned))
            )
            #expect(refusedMandate.status == .unprocessableContent)
            #expect(refusedMandate.json["code"] == "rule.FLM-8")
        }
    }

    @Test("a clerk acts only within its region (auth.scope)")
    func clerkScope() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let other = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)", method: .get, headers: fixture.headers("otherClerk"))
            #expect(other.status == .forbidden)
            #expect(other.json["code"] == "auth.scope")
            let own = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)", method: .get, headers: fixture.headers("clerk"))
            #expect(own.status == .ok)
            let household: JSONValue = [
                "code": "330424100200009001",
                "head": ["name": "新户", "id_number": .string(DemoCounty.county.citizenID(70_000).rawValue)],
            ]
            let refused = try await client.execute(
                uri: "/v1/households", method: .post, headers: fixture.headers("otherClerk"), body: jsonBody(household))
            #expect(refused.json["code"] == "validation.code" || refused.json["code"] == "auth.scope")
            let list = try await client.execute(
                uri: "/v1/rights?limit=1000", method: .get, headers: fixture.headers("otherClerk"))
            #expect(list.json["rights"]?.arrayValue?.isEmpty == true)
            let outside = try await client.execute(
                uri: "/v1/rights?region=330424100", method: .get, headers: fixture.headers("otherClerk"))
            #expect(outside.status == .forbidden)
        }
    }

    @Test("every error is problem+json with a stable code: 400, 404, 405, 409, 413, 422 and the rule id")
    func problems() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            func check(
                _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
                sourceLocation: SourceLocation = #_sourceLocation
            ) {
                #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
                #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
                #expect(response.json["code"]?.stringValue == code, sourceLocation: sourceLocation)
                #expect(response.json["status"]?.integerValue == Int64(status.code), sourceLocation: sourceLocation)
                #expect(response.json["type"]?.stringValue?.hasSuffix(code) == true, sourceLocation: sourceLocation)
            }
            let clerk = fixture.headers("clerk")
            let acts = "/v1/rights/\(ServerFixture.contract)/acts"
            check(
                try await client.execute(uri: acts, method: .post, headers: clerk, body: textBody("{\"kind\":")),
                .badRequest, "validation.body")
            check(
                try await client.execute(
                    uri: acts, method: .post, headers: clerk, body: jsonBody(["kind": "objection", "applicant": 3])),
                .unprocessableContent, "validation.applicant")
            let unknown = try await client.execute(
                uri: acts, method: .post, headers: clerk,
                body: jsonBody(["kind": "objection", "applicant": "x", "grounds": "y", "surprise": true]))
            check(unknown, .unprocessableContent, "validation.surprise")
            // The demo seized 330424100200000002J: a transfer is refused by SPC-15, naming the rule.
            let refused = try await client.execute(
                uri: acts, method: .post, headers: clerk,
                body: jsonBody([
                    "kind": "transfer", "to": "household:330424100200000003",
                    "consents": [["party": "contracting-party", "by": "村", "document": "同意书", "on": "2026-11-01"]],
                ]))
            check(refused, .unprocessableContent, "rule.SPC-15")
            #expect(refused.json["rule"] == "SPC-15")
            check(
                try await client.execute(uri: "/v1/rights/330424100200000099J", method: .get, headers: clerk),
                .notFound,
                "not_found.right")
            check(try await client.execute(uri: "/v1/nowhere", method: .get), .notFound, "http.404")
            // A known path with a method it does not answer — even one HTTP has no name for — is 405.
            for method in [HTTPRequest.Method.delete, HTTPRequest.Method("QUERY")!] {
                let wrong = try await client.execute(
                    uri: "/v1/rights/\(ServerFixture.contract)", method: method, headers: clerk)
                check(wrong, .methodNotAllowed, "http.405")
                #expect(wrong.headers[.allow] == "GET, HEAD")
            }
            check(try await client.execute(uri: "/healthz", method: .post), .methodNotAllowed, "http.405")
            check(
                try await client.execute(
                    uri: "/v1/rights/\(ServerFixture.contract)/certificate?proof=null", method: .get, headers: clerk),
                .unprocessableContent, "validation.proof")
            check(
                try await client.execute(uri: "/v1/log/proofs/inclusion?index=1&index=2", method: .get),
                .unprocessableContent, "validation.index")
            check(
                try await client.execute(uri: "/v1/log/proofs/inclusion?index=abc", method: .get),
                .unprocessableContent,
                "validation.index")
            check(try await client.execute(uri: "/v1/log/entries/999999", method: .get), .notFound, "not_found.entry")
            // The largest index a caller can name is an entry that does not exist, not an overflow.
            check(
                try await client.execute(uri: "/v1/log/entries/18446744073709551615", method: .get), .notFound,
                "not_found.entry")
            let big = ByteBuffer(repeating: UInt8(ascii: "a"), count: 2 << 20)
            check(
                try await client.execute(uri: acts, method: .post, headers: clerk, body: big), .contentTooLarge,
                "validation.body")
            let household: JSONValue = [
                "code": "330424100200000001", "head": ["name": "x", "id_number": "110105194912310021"],
            ]
            let invalid = try await client.execute(
                uri: "/v1/households", method: .post, headers: clerk, body: jsonBody(household))
            check(invalid, .unprocessableContent, "validation.id_number")
            #expect(invalid.json["field"] == "head.id_number")
            // Dates beyond the register's range are refused at the parser, not in date arithmetic.
            let far: JSONValue = [
                "kind": "change", "reason": "x", "term": ["start": "2028-01-01", "end": "9998-12-31"],
            ]
            let change = try await client.execute(uri: acts, method: .post, headers: clerk, body: jsonBody(far))
            check(change, .unprocessableContent, "validation.end")
            #expect(change.json["field"] == "term.end")
            let notice: JSONValue = [
                "right_id": .string(ServerFixture.contract), "compensation_fen": 1, "notice_on": "9999-12-31",
            ]
            let withdrawal = try await client.execute(
                uri: "/v1/withdrawals", method: .post, headers: fixture.headers("exchange"), body: jsonBody(notice))
            check(withdrawal, .unprocessableContent, "validation.notice_on")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }

    @Test("Idempotency-Key: a retry gets the first answer and writes nothing more; another body with the key is 422")
    func idempotency() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let body: JSONValue = ["kind": "objection", "applicant": "赵某", "grounds": "边界"]
            let headers = fixture.headers("clerk", [Idempotency.header: "retry-1"])
            let acts = "/v1/rights/330424100200000005J/acts"
            let size = try await fixture.services.registry.store.size()
            let first = try await client.execute(uri: acts, method: .post, headers: headers, body: jsonBody(body))
            #expect(first.status == .created)
            let second = try await client.execute(uri: acts, method: .post, headers: headers, body: jsonBody(body))
            #expect(second.status == .created)
            #expect(second.headers[Idempotency.replayed] == "true")
            #expect(second.text == first.text)
            #expect(try await fixture.services.registry.store.size() == size + 1)
            var changed = body.objectValue!
            changed["grounds"] = "别的理由"
            let reused = try await client.execute(
                uri: acts, method: .post, headers: headers, body: jsonBody(.object(changed)))
            #expect(reused.status == .unprocessableContent)
            #expect(reused.json["code"] == "idempotency.mismatch")
            // Keys are per caller: the admin's "retry-1" is a different key (its own objection,
            // on other grounds: the same applicant does not file the same grounds twice, IR-83).
            var admins = body.objectValue!
            admins["applicant"] = "村民李四"
            let admin = try await client.execute(
                uri: acts, method: .post, headers: fixture.headers("admin", [Idempotency.header: "retry-1"]),
                body: jsonBody(.object(admins)))
            #expect(admin.status == .created)
            #expect(admin.headers[Idempotency.replayed] == nil)
        }
    }

    @Test("If-Match: an act based on an out-of-date ETag is 409 and writes nothing")
    func optimisticConcurrency() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let uri = "/v1/rights/330424100200000005J"
            let etag = try #require(
                try await client.execute(uri: uri, method: .get, headers: fixture.headers("clerk")).headers[.eTag])
            // Another clerk files an objection first.
            let first = try await client.execute(
                uri: uri + "/acts", method: .post, headers: fixture.headers("admin", [.ifMatch: etag]),
                body: jsonBody(["kind": "objection", "applicant": "甲", "grounds": "乙"]))
            #expect(first.status == .created)
            let size = try await fixture.services.registry.store.size()
            let lost = try await client.execute(
                uri: uri + "/acts", method: .post, headers: fixture.headers("clerk", [.ifMatch: etag]),
                body: jsonBody(["kind": "seizure", "court": "海盐县人民法院", "case_number": "(2026)浙0424执9号"]))
            #expect(lost.status == .conflict)
            #expect(lost.json["code"] == "conflict.right_changed")
            #expect(try await fixture.services.registry.store.size() == size)
            #expect(first.headers[.eTag] != etag)
        }
    }

    @Test(
        "first registration, acts and certificate through the clerk routes; the public verify says current, then superseded"
    )
    func clerkWorkflow() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let clerk = fixture.headers("clerk")
            let household: JSONValue = [
                "code": "330424100200000051",
                "head": ["name": "新户", "id_number": .string(DemoCounty.county.citizenID(70_000).rawValue)],
            ]
            #expect(
                try await client.execute(
                    uri: "/v1/households", method: .post, headers: clerk, body: jsonBody(household)
                ).status == .created)
            let homestead: JSONValue = [
                "kind": "homestead", "household": "330424100200000051", "unit_code": "330424100200JC00051F00010051",
                "location": "东港村51号", "plot_area_m2": "120.00",
            ]
            let registered = try await client.execute(
                uri: "/v1/rights", method: .post, headers: clerk, body: jsonBody(homestead))
            #expect(registered.status == .created)
            #expect(registered.json["right"]?["status"] == "announced")
            #expect(registered.headers[.location] == "/v1/rights/330424100200JC00051F00010051")

            let certificate = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)/certificate?proof=true", method: .get, headers: clerk)
            #expect(certificate.status == .ok)
            let verified = try await client.execute(
                uri: "/v1/certificates/verify", method: .post, body: textBody(certificate.text))
            #expect(verified.json["valid"] == true)
            #expect(verified.json["status"] == "current")
            #expect(verified.json["flags"] == ["seizure"])
            // The public learns the standing, not the right (issue 14); a bank with a token sees the
            // holders' ID numbers masked.
            #expect(verified.json["right"] == nil)
            let shown = try await client.execute(
                uri: "/v1/certificates/verify", method: .post, headers: fixture.headers("bank"),
                body: textBody(certificate.text))
            let members = shown.json["right"]?["household_members"]?.arrayValue ?? []
            #expect(!members.isEmpty)
            #expect(members.allSatisfy { $0["id_number"]?.stringValue?.contains("********") == true })

            let changed = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)/acts", method: .post, headers: clerk,
                body: jsonBody(["kind": "change", "term": ["extend_years": 30], "reason": "延包"]))
            #expect(changed.status == .created, "\(changed.text)")
            let again = try await client.execute(
                uri: "/v1/certificates/verify", method: .post, body: textBody(certificate.text))
            #expect(again.json["status"] == "superseded")
        }
    }

    @Test(
        "a search's answer is canonical JSON whose result is the signed payload, ID numbers in it masked where it holds any"
    )
    func searchAnswerIsSignedPayload() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let holder = DemoCounty.county.citizenID(3)
            for purpose in ["抵押贷款审查", "审查 \(holder.rawValue) 的贷款"] {
                let search: JSONValue = [
                    "right_id": .string(ServerFixture.contract), "holder_id_number": .string(holder.rawValue),
                    "purpose": .string(purpose),
                ]
                let response = try await client.execute(
                    uri: "/v1/collateral/searches", method: .post, headers: fixture.headers("bank"),
                    body: jsonBody(search))
                #expect(response.status == .created, "\(response.text)")
                #expect(Array(response.body.readableBytesView) == CanonicalJSON.bytes(response.json))
                let signed = try JWS.parse(try #require(response.json["jws"]?.stringValue)).payload
                #expect(signed["purpose"] == .string(purpose))
                #expect(response.json["result"] == Masking.mask(signed))
                #expect(!response.text.contains(holder.rawValue))
            }
        }
    }

    @Test(
        "the bank's search is logged and signed; it matches the holder without echoing numbers; events follow the right"
    )
    func collateralSearch() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let bank = fixture.headers("bank")
            let holder = DemoCounty.county.citizenID(3)  // head of household 2
            let search: JSONValue = [
                "right_id": .string(ServerFixture.contract), "holder_id_number": .string(holder.rawValue),
                "purpose": "抵押贷款审查",
            ]
            let response = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: bank, body: jsonBody(search))
            #expect(response.status == .created, "\(response.text)")
            let result = try #require(response.json["result"])
            #expect(result["holder_match"] == true)
            #expect(result["status"] == "current")
            #expect(result["seized"] == true)
            #expect(result["warning"]?.stringValue?.hasPrefix("L-21") == true)
            #expect(result["term_remaining"]?["end"] == "2057-12-31")
            #expect(!response.text.contains(holder.rawValue))
            let jws = try JWS.parse(try #require(response.json["jws"]?.stringValue))
            try jws.verify(with: fixture.services.registry.keys!.certificateKeys.map(\.publicKey))
            #expect(
                jws.payload["checkpoint"]?["size"]?.integerValue
                    == Int64(try await fixture.services.registry.store.size()))

            var wrong = search.objectValue!
            wrong["holder_id_number"] = .string(DemoCounty.county.citizenID(9).rawValue)
            let mismatch = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: bank, body: jsonBody(.object(wrong)))
            #expect(mismatch.json["result"]?["holder_match"] == false)
            var noPurpose = search.objectValue!
            noPurpose["purpose"] = "  "
            let refused = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: bank, body: jsonBody(.object(noPurpose)))
            #expect(refused.status == .unprocessableContent)

            let searchIndex = try #require(response.json["search"]?.integerValue)
            _ = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)/acts", method: .post, headers: fixture.headers("clerk"),
                body: jsonBody(["kind": "objection", "applicant": "某", "grounds": "某"]))
            // Another bank's search of the same right is not an event for this bank (nor for the right).
            let otherBank = fixture.headers("otherBank")
            let otherSearch = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: otherBank, body: jsonBody(search))
            #expect(otherSearch.status == .created)
            let events = try await client.execute(uri: "/v1/events?after=\(searchIndex)", method: .get, headers: bank)
            let kinds = events.json["events"]?.arrayValue?.compactMap { $0["entry"]?["kind"]?.stringValue }
            #expect(kinds == ["encumbrance"])
            let other = try await client.execute(
                uri: "/v1/events?after=\(searchIndex)", method: .get, headers: otherBank)
            #expect(other.json["events"]?.arrayValue?.isEmpty == true)
            let history = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)/history", method: .get, headers: fixture.headers("clerk"))
            let historyKinds = history.json["entries"]?.arrayValue?.compactMap { $0["entry"]?["kind"]?.stringValue }
            #expect(historyKinds?.last == "encumbrance")
            #expect(historyKinds?.contains("search") == false)
        }
    }

    @Test("the public reads an entry's leaf hash and kind, a clerk its content; proofs verify against the checkpoint")
    func logRoutes() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            // Entry 2 registers the first household, with its members' ID numbers.
            let open = try await client.execute(uri: "/v1/log/entries/2", method: .get)
            let full = try await client.execute(
                uri: "/v1/log/entries/2", method: .get, headers: fixture.headers("clerk"))
            #expect(open.json["kind"] == "household" && open.json["entry"] == nil)
            #expect(full.json["entry"]?["kind"] == "household" && !full.text.contains("********"))
            #expect(open.json["leaf_hash"] == full.json["leaf_hash"])

            let note = try await client.execute(uri: "/v1/log/checkpoint", method: .get).text
            let vkey = try await client.execute(uri: "/v1/log/key", method: .get).text
            let checkpoint = try Checkpoint.open(note, verifier: try SignedNote.Verifier(vkey))
            let proof = try await client.execute(uri: "/v1/log/proofs/inclusion?index=2", method: .get).json
            #expect(proof["tree_size"]?.integerValue == Int64(checkpoint.size))
            let entry = try #require(try await fixture.services.registry.store.entries(2..<3).first)
            try MerkleTree.verifyInclusion(
                index: 2, size: checkpoint.size, leafHash: entry.leafHash.bytes,
                proof: proof["hashes"]!.arrayValue!.map { Array(Data(base64Encoded: $0.stringValue!)!) },
                root: checkpoint.root.bytes)
            let consistency = try await client.execute(
                uri: "/v1/log/proofs/consistency?from=1&to=\(checkpoint.size)", method: .get)
            #expect(consistency.status == .ok)
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get)
            #expect(jwks.json["keys"]?.arrayValue?.first?["crv"] == "Ed25519")
        }
    }

    @Test("metrics count requests by route and show the register's size; logs carry neither tokens nor ID numbers")
    func metricsAndLogs() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            // Each route, method and status counts apart, however often it comes again.
            for _ in 0..<2 {
                _ = try await client.execute(
                    uri: "/v1/rights/\(ServerFixture.contract)", method: .get, headers: fixture.headers("clerk"))
            }
            let missing = try await client.execute(
                uri: "/v1/rights/330424100200999999J", method: .get, headers: fixture.headers("clerk"))
            #expect(missing.status == .notFound)
            _ = try await client.execute(
                uri: "/v1/rights?holder=person:\(DemoCounty.county.citizenID(0))", method: .get,
                headers: fixture.headers("clerk"))
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"http_requests_total{route="/v1/rights/{id}",method="GET",status="200"} 2"#))
            #expect(metrics.contains(#"http_requests_total{route="/v1/rights/{id}",method="GET",status="404"} 1"#))
            #expect(metrics.contains(#"http_requests_total{route="/v1/rights",method="GET",status="200"} 1"#))
            #expect(metrics.contains("http_request_duration_seconds_bucket"))
            #expect(metrics.contains("rights_log_entries \(try await fixture.services.registry.store.size())"))
        }
        let lines = fixture.logs.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("route: /v1/rights/{id}") || $0.contains("/v1/rights/{id}") })
        for token in fixture.tokens.values { #expect(!lines.contains { $0.contains(token) }) }
        #expect(!lines.contains { $0.contains(DemoCounty.county.citizenID(0).rawValue) })
        #expect(lines.contains { $0.contains("clerk:王芳") })
    }

    @Test("the OpenAPI document describes exactly the routes the router answers")
    func openAPIMatchesRouter() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get).json
            #expect(document["openapi"] == "3.1.0")
            let paths = try #require(document["paths"]?.objectValue)
            var documented: Set<String> = []
            for (path, item) in paths {
                for method in item.objectValue!.keys { documented.insert("\(method.uppercased()) \(path)") }
            }
            let routed = Set(fixture.services.endpoints.map { "\($0.method.rawValue) \($0.path)" })
            #expect(documented == routed)
            // Every documented route is answered by the router (not the not-found responder).
            for endpoint in fixture.services.endpoints {
                let (uri, body) = Self.probe(endpoint)
                let response = try await client.execute(
                    uri: uri, method: endpoint.method, headers: fixture.headers("admin"), body: body)
                #expect(response.json["code"] != "http.404", "\(endpoint.method) \(endpoint.path) is not routed")
            }
            // Every schema a document refers to exists.
            let schemas = Set(document["components"]?["schemas"]?.objectValue?.keys.map { $0 } ?? [])
            let references = CanonicalJSON.string(document).components(separatedBy: "#/components/schemas/").dropFirst()
                .map { String($0.prefix { $0 != "\"" }) }
            #expect(Set(references).isSubset(of: schemas))
        }
    }

    static let specValidatorAvailable = Python.run("import openapi_spec_validator").status == 0

    @Test(
        "openapi-spec-validator, an independent checker, accepts /openapi.json as OpenAPI 3.1",
        .enabled(if: specValidatorAvailable, "needs python3 with openapi-spec-validator"))
    func openAPIValidates() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let document = try await client.execute(uri: "/openapi.json", method: .get)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rights-openapi-\(UUID()).json")
            try Data(document.body.readableBytesView).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let result = Python.run(
                "import sys; from openapi_spec_validator import validate; from openapi_spec_validator.readers import read_from_filename; validate(read_from_filename(sys.argv[1])[0]); print('valid')",
                file.path)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("valid"))
        }
    }

    static let joserfcAvailable = Python.run("import joserfc").status == 0

    @Test(
        "joserfc verifies the bank's signed search result with the keys at /.well-known/jwks.json",
        .enabled(if: joserfcAvailable, "needs python3 with joserfc"))
    func searchVerifiesWithJoserfc() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let search: JSONValue = [
                "right_id": .string(ServerFixture.contract),
                "holder_id_number": .string(DemoCounty.county.citizenID(3).rawValue), "purpose": "贷前审查",
            ]
            let answer = try await client.execute(
                uri: "/v1/collateral/searches", method: .post, headers: fixture.headers("bank"), body: jsonBody(search))
            let jws = try #require(answer.json["jws"]?.stringValue)
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get).text
            let result = Python.run(
                """
                import json, sys, warnings
                warnings.simplefilter("ignore")
                from joserfc import jws
                from joserfc.jwk import KeySet
                token = jws.deserialize_compact(sys.argv[2], KeySet.import_key_set(json.loads(sys.argv[1])), algorithms=["EdDSA"])
                print(token.headers()["typ"], json.loads(token.payload)["holder_match"])
                """, jwks, jws)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "collateral-search+jws True")
        }
    }

    @Test("one live server on port 0 answers over TCP")
    func liveSmoke() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.live) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(health.json["status"] == "ok")
            let right = try await client.execute(
                uri: "/v1/rights/\(ServerFixture.contract)", method: .get, headers: fixture.headers("clerk"))
            #expect(right.json["id"]?.stringValue == ServerFixture.contract)
        }
    }
}
