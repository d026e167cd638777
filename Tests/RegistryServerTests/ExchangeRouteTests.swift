import Exchange
import Foundation
import HTTPTypes
import HummingbirdTesting
import RightsRegistry
import Testing

/// Each listing kind end to end over HTTP, as the exchange desk, agents and banks use it.
@Suite("Exchange over HTTP")
struct ExchangeRouteTests {
    static let villages = DemoCounty.county.villages()
    static func household(_ v: Int, _ h: Int) -> String { villages[v] + "00" + String(h).leftPadded(to: 4) }
    static func contract(_ v: Int, _ h: Int) -> String { household(v, h) + "J" }
    static func head(_ v: Int, _ h: Int) -> CitizenID {
        DemoCounty.county.citizenID((v * DemoCounty.county.householdsPerVillage + h - 1) * 3)
    }
    static let consent: JSONValue = [
        "party": "contracting-party", "by": "东港村股份经济合作社", "document": "同意书(2026)09号", "on": "2026-11-18",
    ]
    static let filing: JSONValue = [
        "matter": "流转", "filed_with": "东港村股份经济合作社", "document": "流转备案(2026)12号", "on": "2026-11-18",
    ]

    /// POSTs `body` as `role` and returns the JSON answer, expecting `status`.
    func post(
        _ client: any TestClientProtocol, _ fixture: ServerFixture, _ uri: String, _ role: String,
        _ body: JSONValue? = nil, expect status: HTTPResponse.Status = .ok,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await client.execute(
            uri: uri, method: .post, headers: fixture.headers(role), body: body.map(jsonBody))
        #expect(response.status == status, "\(uri): \(response.text)", sourceLocation: sourceLocation)
        return response.json
    }

    func get(
        _ client: any TestClientProtocol, _ fixture: ServerFixture, _ uri: String, _ role: String,
        expect status: HTTPResponse.Status = .ok, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JSONValue {
        let response = try await client.execute(uri: uri, method: .get, headers: fixture.headers(role))
        #expect(response.status == status, "\(uri): \(response.text)", sourceLocation: sourceLocation)
        return response.json
    }

    /// E-7: both parties sign the deal's contract (the desk records their signatures).
    func sign(_ client: any TestClientProtocol, _ fixture: ServerFixture, _ deal: String) async throws {
        for party in ["transferor", "transferee"] {
            _ = try await post(
                client, fixture, "/v1/deals/\(deal)/signatures", "exchange", ["party": .string(party)], expect: .created
            )
        }
    }

    /// Submits and approves a listing; returns its ID and the listing.
    func announce(
        _ client: any TestClientProtocol, _ fixture: ServerFixture, _ body: JSONValue, as role: String = "exchange"
    ) async throws -> JSONValue {
        let submitted = try await post(client, fixture, "/v1/listings", role, body, expect: .created)
        let id = try #require(submitted["id"]?.stringValue)
        return try await post(client, fixture, "/v1/listings/\(id)/review", "exchange", ["decision": "approve"])
    }

    static func afterAnnouncement(_ fixture: ServerFixture, _ listing: JSONValue) {
        let end = Day(listing["announcement"]!["end"]!.stringValue!)!
        fixture.clock.set(fixture.services.registry.timeZone.instant(of: end.adding(days: 1), hour: 10))
    }

    @Test("lease by an agent under mandate: auction, a member matches the price, payment, verified 交易鉴证书")
    func lease() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            // FLM-8: the agent lists for the household that mandated it, not for another.
            var body: JSONValue = [
                "right_id": .string(Self.contract(0, 6)), "kind": "lease", "price_fen": 80_000, "increment_fen": 1_000,
                "deposit_fen": 5_000, "lease": ["term": ["start": "2027-01-01", "end": "2036-12-31"], "use": "水稻种植"],
                "filing": Self.filing,
            ]
            var other = body.objectValue!
            other["right_id"] = .string(Self.contract(0, 7))
            let refused = try await post(client, fixture, "/v1/listings", "agent", .object(other), expect: .forbidden)
            #expect(refused["code"] == "auth.mandate")
            let listing = try await announce(client, fixture, body, as: "agent")
            let id = try #require(listing["id"]?.stringValue)
            #expect(listing["status"] == "announced")
            let board = try await client.execute(uri: "/v1/listings?status=announced", method: .get)
            #expect(board.json["listings"]?.arrayValue?.contains { $0["id"] == .string(id) } == true)

            let cooperative = try CreditCode.completing("93330424MA2B00001")
            let outsider = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "exchange",
                ["buyer": .string("organisation:\(cooperative)"), "deposit_fen": 5_000, "capacity": "粮油专业合作社"],
                expect: .created)
            let member = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "exchange",
                [
                    "buyer": .string("household:\(Self.household(0, 8))"), "deposit_fen": 5_000, "capacity": "种粮户",
                    "priority": "member",
                ], expect: .created)
            // A wrong deposit is refused with its rule, as problem+json.
            body = ["buyer": .string("household:\(Self.household(0, 9))"), "deposit_fen": 1, "capacity": "种粮户"]
            let wrong = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "exchange", body, expect: .unprocessableContent)
            #expect(wrong["code"] == "rule.E-4")

            let opens = RegistryTimeZone.instant(listing["auction"]!["opens_at"]!.stringValue!)!
            fixture.clock.set(opens.addingTimeInterval(60))
            for (intent, amount) in [(member, 80_000), (outsider, 85_000)] {
                _ = try await post(
                    client, fixture, "/v1/listings/\(id)/bids", "exchange",
                    ["intent": intent["id"]!, "amount_fen": .number(Double(amount))], expect: .created)
            }
            fixture.clock.set(opens.addingTimeInterval(24 * 3600))
            let closed = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            #expect(closed["status"] == "matching")
            let claimed = try await post(
                client, fixture, "/v1/listings/\(id)/priority-match", "exchange", ["intent": member["id"]!],
                expect: .created)
            #expect(claimed["matching"]?["claims"] == [member["id"]!])
            let until = try #require(claimed["matching"]?["until"]?.stringValue)
            fixture.clock.set(Day(until)!.adding(days: 1).description)
            let matched = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            let dealID = try #require(matched["deal"]?.stringValue)
            let deal = try await get(client, fixture, "/v1/deals/\(dealID)", "exchange")
            #expect(deal["price_fen"] == 85_000 && deal["basis"] == "priority")
            try await sign(client, fixture, "\(dealID)")
            let settled = try await post(
                client, fixture, "/v1/deals/\(dealID)/payment", "exchange", ["reference": "银行回单-0001"])
            #expect(settled["status"] == "settled")
            let lease = try #require(settled["resulting_right"]?.stringValue)
            let right = try await client.execute(
                uri: "/v1/rights/\(lease)", method: .get, headers: fixture.headers("clerk"))
            #expect(right.json["holder"] == .string("household:\(Self.household(0, 8))"), "\(right.text)")

            let certificate = try await client.execute(
                uri: "/v1/deals/\(dealID)/certificate?proof=true", method: .get, headers: fixture.headers("exchange"))
            #expect(certificate.status == .ok)
            let verified = try await client.execute(
                uri: "/v1/certificates/verify", method: .post, body: textBody(certificate.text))
            #expect(verified.json["valid"] == true, "\(verified.text)")
            let after = try await client.execute(uri: "/v1/listings/\(id)", method: .get)
            let deposits = after.json["intents"]?.arrayValue?.map { $0["deposit_status"] }
            #expect(deposits == ["refund-due", "applied"])
        }
    }

    @Test("transfer of contract land and share sale, each by the desk: the register and certificates follow")
    func transferAndShareSale() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let transfer = try await announce(
                client, fixture,
                [
                    "right_id": .string(Self.contract(0, 9)), "kind": "transfer", "price_fen": 3_000_000,
                    "increment_fen": 10_000, "deposit_fen": 100_000, "consents": [Self.consent],
                ])
            let share = try await client.execute(
                uri: "/v1/rights?holder=person:\(Self.head(0, 7))", method: .get, headers: fixture.headers("clerk"))
            let shareID = try #require(
                share.json["rights"]?.arrayValue?.first { $0["kind"] == "collective-share" }?["id"]?.stringValue,
                "\(share.text)")
            let sale = try await announce(
                client, fixture,
                [
                    "right_id": .string(shareID), "kind": "share-sale", "price_fen": 20_000, "increment_fen": 1_000,
                    "deposit_fen": 0, "shares": 1,
                ])
            for (listing, buyer) in [
                (transfer, "household:\(Self.household(0, 10))"), (sale, "person:\(Self.head(0, 8))"),
            ] {
                let id = listing["id"]!.stringValue!
                _ = try await post(
                    client, fixture, "/v1/listings/\(id)/intents", "exchange",
                    ["buyer": .string(buyer), "deposit_fen": listing["deposit_fen"]!], expect: .created)
            }
            Self.afterAnnouncement(fixture, transfer)
            for listing in [transfer, sale] {
                let id = listing["id"]!.stringValue!
                let closed = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
                let deal = try #require(closed["deal"]?.stringValue)
                try await sign(client, fixture, "\(deal)")
                let settled = try await post(
                    client, fixture, "/v1/deals/\(deal)/payment", "exchange", ["reference": "回单"])
                #expect(settled["status"] == "settled")
            }
            let receiving = try await client.execute(
                uri: "/v1/rights/\(Self.contract(0, 10))", method: .get, headers: fixture.headers("clerk"))
            let parcels = receiving.json["detail"]?["contract_land"]?["parcels"]?.arrayValue?.count ?? 0
            #expect(parcels == 6, "the buyer's contract now holds both households' parcels: \(receiving.text)")
            let sold = try await client.execute(
                uri: "/v1/rights/\(Self.contract(0, 9))", method: .get, headers: fixture.headers("clerk"))
            #expect(sold.json["status"] == "cancelled", "\(sold.text)")
        }
    }

    @Test("a bank registers two mortgages (ranked), only it releases its own, and forecloses; proceeds by rank")
    func mortgagesAndForeclosure() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let mortgage: JSONValue = [
                "right_id": .string(Self.contract(1, 5)), "amount_fen": 500_000,
                "term": ["start": "2026-12-01", "end": "2029-11-30"], "contract": "抵押合同(2026)001号",
                "filing": Self.filing,
            ]
            // the bank's request alone is a pending application; it cannot speak for the mortgagor.
            var speaking = mortgage.objectValue!
            speaking["mortgagor"] = ["application": "申请书"]
            _ = try await post(
                client, fixture, "/v1/mortgages", "bank", .object(speaking), expect: .unprocessableContent)
            let applied = try await post(client, fixture, "/v1/mortgages", "bank", mortgage, expect: .accepted)
            let otherApplied = try await post(
                client, fixture, "/v1/mortgages", "otherBank", mortgage, expect: .accepted)
            #expect(applied["status"] == "pending" && applied["rank"] == nil)
            let firstID = try #require(applied["id"]?.stringValue)
            let secondID = try #require(otherApplied["id"]?.stringValue)
            // A pending mortgage cannot be enforced.
            _ = try await post(
                client, fixture, "/v1/mortgages/\(firstID)/foreclosure", "bank",
                [
                    "price_fen": 600_000, "increment_fen": 10_000, "deposit_fen": 0, "consents": [Self.consent],
                    "default": ["since": "2026-12-01", "amount_fen": 500_000, "notice": "催收通知书"],
                ], expect: .conflict)
            // The mortgagor's side at the counter; an out-of-scope clerk may not give it.
            let mortgagor: JSONValue = [
                "application": "抵押登记申请书",
                "consents": [["party": "co-holders", "by": "全体家庭成员", "document": "同意书", "on": "2026-11-19"]],
            ]
            _ = try await post(
                client, fixture, "/v1/mortgages/\(firstID)/mortgagor", "otherClerk", mortgagor, expect: .forbidden)
            let first = try await post(
                client, fixture, "/v1/mortgages/\(firstID)/mortgagor", "clerk", mortgagor, expect: .created)
            let second = try await post(
                client, fixture, "/v1/mortgages/\(secondID)/mortgagor", "clerk", mortgagor, expect: .created)
            #expect(first["rank"] == 1 && second["rank"] == 2 && first["status"] == "active")
            let denied = try await post(
                client, fixture, "/v1/mortgages/\(firstID)/release", "otherBank", expect: .forbidden)
            #expect(denied["code"] == "auth.mortgagee")
            fixture.clock.set(fixture.services.registry.timeZone.instant(of: Day("2027-03-01")!, hour: 10))
            let listing = try await post(
                client, fixture, "/v1/mortgages/\(firstID)/foreclosure", "bank",
                [
                    "price_fen": 600_000, "increment_fen": 10_000, "deposit_fen": 0, "consents": [Self.consent],
                    "default": ["since": "2027-02-01", "amount_fen": 500_000, "notice": "催收通知书"],
                ], expect: .created)
            let id = try #require(listing["id"]?.stringValue)
            #expect(listing["kind"] == "foreclosure-sale")
            let announced = try await post(
                client, fixture, "/v1/listings/\(id)/review", "exchange", ["decision": "approve"])
            _ = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "exchange",
                ["buyer": .string("household:\(Self.household(1, 6))"), "deposit_fen": 0, "offer_fen": 700_000],
                expect: .created)
            Self.afterAnnouncement(fixture, announced)
            let deal = try #require(
                try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")["deal"]?.stringValue)
            try await sign(client, fixture, "\(deal)")
            let settled = try await post(client, fixture, "/v1/deals/\(deal)/payment", "exchange", ["reference": "回单"])
            let payouts = settled["payouts"]?.arrayValue?.map { $0["amount_fen"]?.integerValue }
            #expect(payouts == [500_000, 200_000, 0])
            let events = try await client.execute(uri: "/v1/events", method: .get, headers: fixture.headers("bank"))
            #expect(events.json["events"]?.arrayValue?.contains { $0["entry"]?["kind"] == "transfer" } == true)
        }
    }

    @Test("a homestead withdrawal: applied by the desk, approved and paid; the homestead returns to the collective")
    func withdrawal() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let homestead = Self.villages[1] + "JC" + "00004" + "F0001" + "0004"
            let applied = try await post(
                client, fixture, "/v1/withdrawals", "exchange",
                [
                    "right_id": .string(homestead), "subsidy_fen": 1_800_000, "residual_value_fen": 2_400_000,
                    "keep_eligibility": true,
                    "consents": [
                        ["party": "co-holders", "by": "全体家庭成员", "document": "同意书", "on": "2026-11-19"]
                    ],
                ], expect: .created)
            let id = try #require(applied["id"]?.stringValue)
            #expect(applied["compensation_fen"] == 4_200_000)
            _ = try await post(client, fixture, "/v1/withdrawals/\(id)/approve", "clerk", ["approval": "村民代表会议决议"])
            let paid = try await post(client, fixture, "/v1/withdrawals/\(id)/payment", "clerk", ["reference": "付款"])
            #expect(paid["status"] == "paid")
            let right = try await client.execute(
                uri: "/v1/rights/\(homestead)", method: .get, headers: fixture.headers("clerk"))
            #expect(right.json["status"] == "cancelled", "\(right.text)")
        }
    }
}

extension ExchangeRouteTests {
    @Test(
        "issue 13: an agent acts for a buyer under a `purchase` mandate; an outside grower registered as a person takes part"
    )
    func buyersAgentAndOutsideGrower() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let listing = try await announce(
                client, fixture,
                [
                    "right_id": .string(Self.contract(0, 7)), "kind": "lease", "price_fen": 80_000,
                    "increment_fen": 1_000, "deposit_fen": 5_000,
                    "lease": ["term": ["start": "2027-06-01", "end": "2036-12-31"], "use": "水稻种植"],
                    "filing": Self.filing,
                ])
            let id = try #require(listing["id"]?.stringValue)
            let buyer = "household:\(Self.household(0, 8))"
            let intent: JSONValue = ["buyer": .string(buyer), "deposit_fen": 5_000, "capacity": "种粮户"]
            let refused = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "agent", intent, expect: .forbidden)
            #expect(refused["code"] == "auth.mandate")
            // The buyer's 委托书 covers `purchase`: the clerk registers it, and the agent acts.
            _ = try await post(
                client, fixture, "/v1/mandates", "clerk",
                [
                    "principal": .string(buyer), "agent": .string(DemoCounty.agent),
                    "agent_name": .string(DemoCounty.agentName), "matters": ["purchase"], "authority": "代为竞买",
                    "term": ["start": "2026-11-20", "end": "2027-11-19"], "document": "委托书(2026)11号",
                    "signed_by_principal": true, "signed_by_agent": true,
                ], expect: .created)
            let registered = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "agent", intent, expect: .created)
            #expect(registered["buyer"] == .string(buyer))
            // An outside grower (L-17(4): ability, not membership) registers and takes part.
            let grower = DemoCounty.county.citizenID(9_700).rawValue
            _ = try await post(
                client, fixture, "/v1/persons", "exchange", ["name": "种粮大户", "id_number": .string(grower)],
                expect: .created)
            _ = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "exchange",
                ["buyer": .string("person:\(grower)"), "deposit_fen": 5_000, "capacity": "家庭农场主"],
                expect: .created)
        }
    }
}

extension ExchangeRouteTests {
    @Test(
        "issue 13: a 3-year lease completes on the exchange and settles as a filed lease (L-16, L-20): on the register, no certificate"
    )
    func shortLease() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let listing = try await announce(
                client, fixture,
                [
                    "right_id": .string(Self.contract(0, 7)), "kind": "lease", "price_fen": 60_000,
                    "increment_fen": 1_000, "deposit_fen": 5_000,
                    "lease": ["term": ["start": "2027-01-01", "end": "2029-12-31"], "use": "蔬菜种植"],
                    "filing": Self.filing,
                ])
            let id = try #require(listing["id"]?.stringValue)
            _ = try await post(
                client, fixture, "/v1/listings/\(id)/intents", "exchange",
                ["buyer": .string("household:\(Self.household(0, 8))"), "deposit_fen": 5_000, "capacity": "种植户"],
                expect: .created)
            Self.afterAnnouncement(fixture, listing)
            let closed = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            let deal = try #require(closed["deal"]?.stringValue, "\(closed)")
            try await sign(client, fixture, "\(deal)")
            let settled = try await post(client, fixture, "/v1/deals/\(deal)/payment", "exchange", ["reference": "回单"])
            #expect(settled["status"] == "settled")
            let lease = try #require(settled["resulting_right"]?.stringValue)
            let right = try await client.execute(
                uri: "/v1/rights/\(lease)", method: .get, headers: fixture.headers("clerk"))
            #expect(right.json["status"] == "current")
            #expect(right.json["detail"]?["land_management"]?["filed_only"] == true, "\(right.text)")
            let certificate = try await client.execute(
                uri: "/v1/rights/\(lease)/certificate", method: .get, headers: fixture.headers("clerk"))
            #expect(
                certificate.status == .unprocessableContent && certificate.json["code"] == "rule.L-20",
                "\(certificate.text)")
        }
    }
}
