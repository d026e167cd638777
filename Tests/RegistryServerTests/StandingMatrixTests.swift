import Exchange
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import RegistryServer
import RightsRegistry
import Testing

/// For every route a clerk, an agent or a bank may call: a clerk of another township, an agent
/// without a mandate and another bank are refused (403, or 404 for what does not exist) before
/// anything about the matter's state is said, and nothing is written.
@Suite("Standing on every route")
struct StandingMatrixTests {
    typealias Route = ExchangeRouteTests
    static let notary: JSONValue = [
        "party": "co-holders", "by": "全体家庭成员", "document": "同意书", "on": "2026-11-19",
    ]

    /// What exists in the register for the probes to name: a deal, a withdrawal, a released
    /// mortgage (bank A's), a pending one, an announced listing with a buyer's intent.
    struct Matters {
        var deal = "", withdrawal = "", released = "", pending = "", listing = "", intent = ""
    }

    func post(
        _ client: any TestClientProtocol, _ fixture: ServerFixture, _ uri: String, _ role: String,
        _ body: JSONValue? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await client.execute(
            uri: uri, method: .post, headers: fixture.headers(role), body: body.map(jsonBody))
        #expect(response.status.code < 300, "\(uri): \(response.text)", sourceLocation: sourceLocation)
        return response.json
    }

    func prepare(_ client: any TestClientProtocol, _ fixture: ServerFixture) async throws -> Matters {
        var matters = Matters()
        // A deal: a transfer with one buyer, closed after its announcement.
        let submitted = try await post(
            client, fixture, "/v1/listings", "exchange",
            [
                "right_id": .string(Route.contract(0, 9)), "kind": "transfer", "price_fen": 3_000_000,
                "increment_fen": 10_000, "deposit_fen": 100_000, "consents": [Route.consent],
            ])
        let transfer = try await post(
            client, fixture, "/v1/listings/\(submitted["id"]!.stringValue!)/review", "exchange",
            ["decision": "approve"])
        _ = try await post(
            client, fixture, "/v1/listings/\(transfer["id"]!.stringValue!)/intents", "exchange",
            ["buyer": .string("household:\(Route.household(0, 10))"), "deposit_fen": 100_000])
        Route.afterAnnouncement(fixture, transfer)
        let closed = try await post(client, fixture, "/v1/listings/\(transfer["id"]!.stringValue!)/close", "exchange")
        matters.deal = try #require(closed["deal"]?.stringValue)
        // An announced lease with a registered buyer.
        let lease = try await post(
            client, fixture, "/v1/listings", "exchange",
            [
                "right_id": .string(Route.contract(0, 7)), "kind": "lease", "price_fen": 80_000,
                "increment_fen": 1_000, "deposit_fen": 5_000,
                "lease": ["term": ["start": "2027-06-01", "end": "2036-12-31"], "use": "水稻种植"],
                "filing": Route.filing,
            ])
        matters.listing = try #require(lease["id"]?.stringValue)
        _ = try await post(
            client, fixture, "/v1/listings/\(matters.listing)/review", "exchange", ["decision": "approve"])
        let intent = try await post(
            client, fixture, "/v1/listings/\(matters.listing)/intents", "exchange",
            ["buyer": .string("household:\(Route.household(0, 8))"), "deposit_fen": 5_000, "capacity": "种粮户"])
        matters.intent = try #require(intent["id"]?.stringValue)
        // A withdrawal applied at the desk.
        let withdrawal = try await post(
            client, fixture, "/v1/withdrawals", "exchange",
            [
                "right_id": .string(Route.villages[1] + "JC00004F00010004"), "subsidy_fen": 1_800_000,
                "residual_value_fen": 2_400_000, "keep_eligibility": true, "consents": [Self.notary],
            ])
        matters.withdrawal = try #require(withdrawal["id"]?.stringValue)
        // Bank A's mortgages: one registered and released, one pending.
        let mortgage: JSONValue = [
            "right_id": .string(Route.contract(1, 5)), "amount_fen": 500_000,
            "term": ["start": "2026-12-01", "end": "2029-11-30"], "contract": "抵押合同(2026)001号",
            "filing": Route.filing,
        ]
        matters.released = try #require(
            try await post(client, fixture, "/v1/mortgages", "bank", mortgage)["id"]?.stringValue)
        _ = try await post(
            client, fixture, "/v1/mortgages/\(matters.released)/mortgagor", "clerk",
            ["application": "抵押登记申请书", "consents": [Self.notary]])
        _ = try await post(client, fixture, "/v1/mortgages/\(matters.released)/release", "bank")
        matters.pending = try #require(
            try await post(client, fixture, "/v1/mortgages", "bank", mortgage)["id"]?.stringValue)
        return matters
    }

    /// A probe: the request, who makes it, and the refusal it must get.
    struct Probe {
        let role: String
        let uri: String
        var body: JSONValue? = nil
        let code: String
    }

    /// Routes a clerk, agent or bank may call that are not about one party's matter, and why.
    static let countyWide: [String: String] = [
        "POST /v1/persons": "the register of persons is county-wide: any clerk adds a grower or buyer",
        "POST /v1/organisations": "organisations are registered county-wide",
        "POST /v1/collateral/searches": "any bank searches any right, by the holder's ID number (logged)",
        "POST /v1/mortgages": "any bank applies for a mortgage; the mortgagor's side decides (R-6)",
        "GET /v1/events": "a bank sees only entries on rights it searched or holds mortgages on",
        "GET /v1/rights": "a clerk's listing never leaves its region (checked below)",
    ]

    func probes(_ m: Matters) throws -> [String: [Probe]] {
        let uscc = try CreditCode.completing("N2330424MA2B0009A").rawValue
        let right = Route.contract(0, 2)
        let household = Route.household(0, 2)
        let head = Route.head(0, 7)
        let homestead = Route.villages[1] + "JC00004F00010004"
        let seizure: JSONValue = ["kind": "seizure", "court": "海盐县人民法院", "case_number": "(2026)浙0424执9号"]
        let mandate: JSONValue = [
            "principal": .string("person:\(head)"), "agent": "330424198202020024", "agent_name": "另一位代理员",
            "matters": ["lease"], "authority": "代为办理流转挂牌", "term": ["start": "2026-11-20", "end": "2027-11-19"],
            "document": "委托书(2026)09号", "signed_by_principal": true, "signed_by_agent": true,
        ]
        var householdMandate = mandate.objectValue!
        householdMandate["principal"] = .string("household:\(household)")
        let mortgagor: JSONValue = ["application": "抵押登记申请书", "consents": [Self.notary]]
        let foreclosure: JSONValue = [
            "price_fen": 600_000, "increment_fen": 10_000, "deposit_fen": 0, "consents": [Route.consent],
            "default": ["since": "2027-02-01", "amount_fen": 500_000, "notice": "催收通知书"],
        ]
        return [
            "POST /v1/collectives": [
                Probe(
                    role: "otherClerk", uri: "/v1/collectives",
                    body: [
                        "code": "33042410020300", "name": "新村股份经济合作社", "uscc": .string(uscc),
                        "region": "330424100",
                    ], code: "auth.scope")
            ],
            "POST /v1/households": [
                Probe(
                    role: "otherClerk", uri: "/v1/households",
                    body: [
                        "code": .string(Route.villages[0] + "000051"),
                        "head": ["name": "新户", "id_number": .string(DemoCounty.county.citizenID(70_000).rawValue)],
                    ], code: "auth.scope")
            ],
            "POST /v1/households/{code}/members": [
                Probe(
                    role: "otherClerk", uri: "/v1/households/\(household)/members",
                    body: [
                        "name": "新成员", "id_number": .string(DemoCounty.county.citizenID(70_003).rawValue),
                        "relation": "子",
                    ],
                    code: "auth.scope")
            ],
            "POST /v1/households/{code}/member-removals": [
                Probe(
                    role: "otherClerk", uri: "/v1/households/\(household)/member-removals", body: [:],
                    code: "auth.scope")
            ],
            "POST /v1/households/{code}/splits": [
                Probe(role: "otherClerk", uri: "/v1/households/\(household)/splits", body: [:], code: "auth.scope")
            ],
            "POST /v1/mandates": [
                Probe(role: "otherClerk", uri: "/v1/mandates", body: mandate, code: "auth.scope"),
                Probe(role: "otherClerk", uri: "/v1/mandates", body: .object(householdMandate), code: "auth.scope"),
            ],
            "POST /v1/rights": [
                Probe(
                    role: "otherClerk", uri: "/v1/rights",
                    body: [
                        "kind": "homestead", "household": .string(household),
                        "unit_code": .string(Route.villages[0] + "JC00051F00010051"), "location": "东港村51号",
                        "plot_area_m2": "120.00",
                    ], code: "auth.scope")
            ],
            "GET /v1/rights/{id}": [
                Probe(role: "otherClerk", uri: "/v1/rights/\(right)", code: "auth.scope"),
                Probe(role: "otherAgent", uri: "/v1/rights/\(right)", code: "auth.mandate"),
            ],
            "GET /v1/rights/{id}/history": [
                Probe(role: "otherClerk", uri: "/v1/rights/\(right)/history", code: "auth.scope"),
                Probe(role: "otherAgent", uri: "/v1/rights/\(right)/history", code: "auth.mandate"),
            ],
            "GET /v1/rights/{id}/certificate": [
                Probe(role: "otherClerk", uri: "/v1/rights/\(right)/certificate", code: "auth.scope")
            ],
            "POST /v1/rights/{id}/acts": [
                Probe(role: "otherClerk", uri: "/v1/rights/\(right)/acts", body: seizure, code: "auth.scope")
            ],
            "POST /v1/mortgages/{id}/mortgagor": [
                Probe(
                    role: "otherClerk", uri: "/v1/mortgages/\(m.pending)/mortgagor", body: mortgagor, code: "auth.scope"
                ),
                Probe(
                    role: "otherAgent", uri: "/v1/mortgages/\(m.pending)/mortgagor", body: mortgagor,
                    code: "auth.mandate"),
            ],
            "POST /v1/mortgages/{id}/release": [
                Probe(role: "otherBank", uri: "/v1/mortgages/\(m.released)/release", code: "auth.mortgagee"),
                Probe(role: "otherBank", uri: "/v1/mortgages/\(m.pending)/release", code: "auth.mortgagee"),
            ],
            "POST /v1/mortgages/{id}/foreclosure": [
                Probe(
                    role: "otherBank", uri: "/v1/mortgages/\(m.released)/foreclosure", body: foreclosure,
                    code: "auth.mortgagee")
            ],
            "POST /v1/listings": [
                Probe(
                    role: "otherAgent", uri: "/v1/listings",
                    body: [
                        "right_id": .string(right), "kind": "lease", "price_fen": 80_000, "increment_fen": 1_000,
                        "deposit_fen": 5_000,
                        "lease": ["term": ["start": "2027-01-01", "end": "2036-12-31"], "use": "水稻种植"],
                        "filing": Route.filing,
                    ], code: "auth.mandate"),
                // The seller's right is cancelled by now? An unmandated agent is not told.
                Probe(
                    role: "otherAgent", uri: "/v1/listings",
                    body: [
                        "right_id": .string(homestead), "kind": "transfer", "price_fen": 80_000, "increment_fen": 1_000,
                        "deposit_fen": 0,
                    ], code: "auth.mandate"),
            ],
            "POST /v1/listings/{id}/intents": [
                Probe(
                    role: "otherAgent", uri: "/v1/listings/\(m.listing)/intents",
                    body: [
                        "buyer": .string("household:\(Route.household(0, 8))"), "deposit_fen": 5_000, "capacity": "种粮户",
                    ],
                    code: "auth.mandate")
            ],
            "POST /v1/listings/{id}/bids": [
                Probe(
                    role: "otherAgent", uri: "/v1/listings/\(m.listing)/bids",
                    body: ["intent": .string(m.intent), "amount_fen": 90_000], code: "auth.mandate")
            ],
            "POST /v1/listings/{id}/priority-match": [
                Probe(
                    role: "otherAgent", uri: "/v1/listings/\(m.listing)/priority-match",
                    body: ["intent": .string(m.intent)], code: "auth.mandate")
            ],
            "GET /v1/deals/{id}": [
                Probe(role: "otherClerk", uri: "/v1/deals/\(m.deal)", code: "auth.scope"),
                Probe(role: "otherAgent", uri: "/v1/deals/\(m.deal)", code: "auth.mandate"),
            ],
            "POST /v1/deals/{id}/signatures": [
                Probe(
                    role: "otherAgent", uri: "/v1/deals/\(m.deal)/signatures", body: ["party": "transferee"],
                    code: "auth.mandate")
            ],
            "GET /v1/deals/{id}/certificate": [
                Probe(role: "otherClerk", uri: "/v1/deals/\(m.deal)/certificate", code: "auth.scope"),
                Probe(role: "otherAgent", uri: "/v1/deals/\(m.deal)/certificate", code: "auth.mandate"),
            ],
            "POST /v1/withdrawals": [
                Probe(
                    role: "otherAgent", uri: "/v1/withdrawals",
                    body: [
                        "right_id": .string(Route.villages[1] + "JC00005F00010005"), "subsidy_fen": 1_000,
                        "residual_value_fen": 1_000, "consents": [Self.notary],
                    ], code: "auth.mandate")
            ],
            "GET /v1/withdrawals/{id}": [
                Probe(role: "otherClerk", uri: "/v1/withdrawals/\(m.withdrawal)", code: "auth.scope"),
                Probe(role: "otherAgent", uri: "/v1/withdrawals/\(m.withdrawal)", code: "auth.mandate"),
            ],
            "POST /v1/withdrawals/{id}/approve": [
                Probe(
                    role: "otherClerk", uri: "/v1/withdrawals/\(m.withdrawal)/approve",
                    body: ["approval": "村民代表会议决议"], code: "auth.scope")
            ],
            "POST /v1/withdrawals/{id}/payment": [
                Probe(
                    role: "otherClerk", uri: "/v1/withdrawals/\(m.withdrawal)/payment", body: ["reference": "付款"],
                    code: "auth.scope")
            ],
        ]
    }

    @Test(
        "every route a clerk, agent or bank may call refuses an out-of-scope clerk, an agent without a mandate and another bank before any state is said, writing nothing"
    )
    func standing() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let matters = try await prepare(client, fixture)
            let probes = try probes(matters)
            let limited: Set<Role> = [.clerk, .agent, .bank]
            for endpoint in fixture.services.endpoints {
                guard let roles = endpoint.access.roles, !roles.isDisjoint(with: limited) else { continue }
                let route = "\(endpoint.method) \(endpoint.path)"
                if Self.countyWide[route] != nil {
                    #expect(probes[route] == nil, "\(route) is both county-wide and probed")
                    continue
                }
                let cases = try #require(probes[route], "\(route) has no standing probe and is not county-wide")
                // Each role the route admits with a limit is probed.
                let probed = Set(cases.map { $0.role.replacingOccurrences(of: "other", with: "").lowercased() })
                for role in roles.intersection(limited) {
                    #expect(probed.contains(role.rawValue), "\(route): no probe as another \(role.rawValue)")
                }
                for probe in cases {
                    let size = try await fixture.services.registry.store.size()
                    let response = try await client.execute(
                        uri: probe.uri, method: endpoint.method, headers: fixture.headers(probe.role),
                        body: endpoint.method == .post ? jsonBody(probe.body ?? [:]) : nil)
                    #expect(response.status == .forbidden, "\(probe.role) \(route): \(response.text)")
                    #expect(
                        response.json["code"]?.stringValue == probe.code, "\(probe.role) \(route): \(response.text)")
                    #expect(try await fixture.services.registry.store.size() == size, "\(probe.role) \(route) wrote")
                }
            }
            // The clerk of the right's township reads the deal, ID numbers in full (issue 13).
            let deal = try await client.execute(
                uri: "/v1/deals/\(matters.deal)", method: .get, headers: fixture.headers("clerk"))
            #expect(deal.status == .ok && !deal.text.contains("********"), "\(deal.text)")
            // Listings a clerk reads never leave its region.
            let list = try await client.execute(
                uri: "/v1/rights?limit=1000", method: .get, headers: fixture.headers("otherClerk"))
            #expect(list.status == .ok && list.json["rights"]?.arrayValue?.isEmpty == true)
        }
    }

    @Test("a clerk of another township cannot register a mandate for a person whose rights are in this one (issue 12)")
    func mandateScope() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let head = Route.head(0, 7)
            let mandate: JSONValue = [
                "principal": .string("person:\(head)"), "agent": "330424198202020024", "agent_name": "另一位代理员",
                "matters": ["lease"], "authority": "代为办理流转挂牌",
                "term": ["start": "2026-11-20", "end": "2027-11-19"], "document": "委托书(2026)09号",
                "signed_by_principal": true, "signed_by_agent": true,
            ]
            let refused = try await client.execute(
                uri: "/v1/mandates", method: .post, headers: fixture.headers("otherClerk"), body: jsonBody(mandate))
            #expect(refused.status == .forbidden && refused.json["code"] == "auth.scope", "\(refused.text)")
            let shares = try await client.execute(
                uri: "/v1/rights?holder=person:\(head)", method: .get, headers: fixture.headers("clerk"))
            let share = try #require(shares.json["rights"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(
                try await client.execute(
                    uri: "/v1/rights/\(share)", method: .get, headers: fixture.headers("otherAgent")
                )
                .status == .forbidden)
            // The clerk of the person's own township registers it; then the agent reads.
            let registered = try await client.execute(
                uri: "/v1/mandates", method: .post, headers: fixture.headers("clerk"), body: jsonBody(mandate))
            #expect(registered.status == .created, "\(registered.text)")
            #expect(
                try await client.execute(
                    uri: "/v1/rights/\(share)", method: .get, headers: fixture.headers("otherAgent")
                )
                .status == .ok)
        }
    }
}
