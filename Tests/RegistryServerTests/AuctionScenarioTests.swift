import Exchange
import Foundation
import HTTPTypes
import HummingbirdTesting
import RegistryServer
import RegistryTestSupport
import RightsRegistry
import Synchronization
import Testing

/// Issue 13's scenarios, each over HTTP as the desk, the agents and the bidders would run them.
extension ExchangeRouteTests {
    static func lease(_ right: String, price: Int = 80_000) -> JSONValue {
        [
            "right_id": .string(right), "kind": "lease", "price_fen": .number(Double(price)), "increment_fen": 1_000,
            "deposit_fen": 5_000, "lease": ["term": ["start": "2027-01-01", "end": "2036-12-31"], "use": "水稻种植"],
            "filing": Self.filing,
        ]
    }

    func register(
        _ client: any TestClientProtocol, _ fixture: ServerFixture, _ listing: String, _ buyer: String,
        priority: String? = nil
    ) async throws -> String {
        var body: [String: JSONValue] = ["buyer": .string(buyer), "deposit_fen": 5_000, "capacity": "种粮户"]
        if let priority { body["priority"] = .string(priority) }
        let intent = try await post(
            client, fixture, "/v1/listings/\(listing)/intents", "exchange", .object(body), expect: .created)
        return try #require(intent["id"]?.stringValue)
    }

    func bid(
        _ client: any TestClientProtocol, _ fixture: ServerFixture, _ listing: String, _ intent: String, _ amount: Int,
        at instant: Date, expect status: HTTPResponse.Status = .created
    ) async throws -> JSONValue {
        fixture.clock.set(instant)
        return try await post(
            client, fixture, "/v1/listings/\(listing)/bids", "exchange",
            ["intent": .string(intent), "amount_fen": .number(Double(amount))], expect: status)
    }

    /// The `index`th element of a JSON array, if there is one.
    static func at(_ value: JSONValue?, _ index: Int) -> JSONValue? {
        guard let array = value?.arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }

    static func instant(_ value: JSONValue?) throws -> Date {
        try #require(value?.stringValue.flatMap(RegistryTimeZone.instant))
    }

    @Test(
        "issue 13: a free phase and three timed rounds; two members match and a lot (recomputed by an independent script) ranks them; the winner forfeits and the back-up takes the deal; deposits converted and refunded by their due days"
    )
    func auctionWithLot() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.live) { client in
            let listing = try await announce(client, fixture, Self.lease(Self.contract(0, 6)))
            let id = try #require(listing["id"]?.stringValue)
            #expect(listing["rules"]?["timed_round_minutes"] == 5, "the rule set is logged with the listing")
            let cooperative = "organisation:" + (try CreditCode.completing("93330424MA2B00001")).rawValue
            let outsider = try await register(client, fixture, id, cooperative)
            let first = try await register(client, fixture, id, "household:\(Self.household(0, 8))", priority: "member")
            let second = try await register(
                client, fixture, id, "household:\(Self.household(0, 9))", priority: "member")

            // 自由竞价: bids move no deadline.
            let opens = try Self.instant(listing["auction"]?["opens_at"])
            let freeEnds = try Self.instant(listing["auction"]?["free_ends_at"])
            _ = try await bid(client, fixture, id, first, 80_000, at: opens.addingTimeInterval(60))
            var standing = try await bid(client, fixture, id, outsider, 81_000, at: opens.addingTimeInterval(120))
            #expect(standing["auction"]?["round"] == 1 && Self.at(standing["bids"], 1)?["phase"] == "free")
            // 限时竞价: each bid opens a new five-minute round; the third round passes without one.
            standing = try await bid(client, fixture, id, second, 82_000, at: freeEnds.addingTimeInterval(60))
            #expect(standing["auction"]?["round"] == 2 && Self.at(standing["bids"], 2)?["phase"] == "timed")
            standing = try await bid(client, fixture, id, outsider, 83_000, at: freeEnds.addingTimeInterval(240))
            #expect(standing["auction"]?["round"] == 3)
            let ends = try Self.instant(standing["auction"]?["ends_at"])
            #expect(ends == freeEnds.addingTimeInterval(540))
            // Below the leading bid plus one increment: refused; after the round's end: refused.
            _ = try await bid(
                client, fixture, id, first, 83_500, at: freeEnds.addingTimeInterval(300), expect: .unprocessableContent)
            _ = try await bid(
                client, fixture, id, first, 84_000, at: ends.addingTimeInterval(1), expect: .unprocessableContent)

            // L-18: both members match the outsider's 83,000 within the period.
            let matching = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            #expect(matching["status"] == "matching" && matching["matching"]?["price_fen"] == 83_000)
            for intent in [first, second] {
                _ = try await post(
                    client, fixture, "/v1/listings/\(id)/priority-match", "exchange", ["intent": .string(intent)],
                    expect: .created)
            }
            let until = try #require(matching["matching"]?["until"]?.stringValue)
            fixture.clock.set(Day(until)!.adding(days: 1).description)
            let drawn = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            let order = (drawn["lot"]?["order"]?.arrayValue ?? []).compactMap(\.stringValue)
            try #require(order.count == 2, "\(drawn)")
            #expect(Set(order) == [first, second])
            #expect(Self.at(drawn["successors"], 0)?["intent"] == .string(order[1]))
            #expect(Self.at(drawn["successors"], 0)?["basis"] == "priority")
            #expect(Self.at(drawn["successors"], 1)?["intent"] == .string(outsider))

            // Anyone can recompute the lot from the log.
            let port = try #require(client.port)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("scripts/verify-lot.py").path
            let verified = await Python.runAsync(
                "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                script, "http://127.0.0.1:\(port)", id, fixture.tokens["exchange"]!)
            #expect(verified.status == 0, "\(verified.output)")
            #expect(verified.output.contains("\"order\": [\"\(order[0])\", \"\(order[1])\"]"), "\(verified.output)")

            // The first place does not pay: its deposit is kept (fee to the exchange, the rest to
            // the seller) and the back-up takes the deal at the matched price.
            let dealID = try #require(drawn["deal"]?.stringValue)
            let deal = try await get(client, fixture, "/v1/deals/\(dealID)", "exchange")
            #expect(deal["basis"] == "priority" && deal["price_fen"] == 83_000 && deal["deposit_fen"] == 5_000)
            let due = try #require(deal["due"]?.stringValue)
            fixture.clock.set(Day(due)!.adding(days: 1).description)
            let forfeit = try await post(
                client, fixture, "/v1/deals/\(dealID)/forfeit", "exchange", ["reason": "did-not-pay"])
            #expect(forfeit["forfeited"]?["forfeit"] == "did-not-pay")
            #expect(forfeit["forfeited"]?["disposition"] == ["exchange_fee_fen": 500, "to_seller_fen": 4_500])
            let next = try #require(forfeit["next"])
            #expect(next["intent"] == .string(order[1]) && next["price_fen"] == 83_000 && next["basis"] == "priority")

            // The back-up signs and pays: its deposit becomes part of the payment; the others'
            // are released, each due back within seven working days.
            let nextID = try #require(next["id"]?.stringValue)
            try await sign(client, fixture, nextID)
            let settled = try await post(
                client, fixture, "/v1/deals/\(nextID)/payment", "exchange", ["reference": "回单-83000"])
            #expect(settled["status"] == "settled")
            let after = try await get(client, fixture, "/v1/listings/\(id)", "exchange")
            let statuses = Dictionary(
                uniqueKeysWithValues: (after["intents"]?.arrayValue ?? []).map {
                    ($0["id"]!.stringValue!, $0["deposit_status"]!.stringValue!)
                })
            #expect(statuses == [outsider: "refund-due", order[0]: "forfeited", order[1]: "applied"])
            let refunds = try await get(client, fixture, "/v1/refunds", "exchange")["refunds"]?.arrayValue ?? []
            let owed = try #require(refunds.first { $0["intent"] == .string(outsider) })
            let today = fixture.services.registry.today
            let refundDue = try #require(owed["refund"]?["due"]?.stringValue.flatMap(Day.init))
            #expect(refundDue > today && refundDue <= today.adding(days: 11) && owed["overdue"] == false)
            // Past the due day the operator's list says so; once paid it leaves the list.
            fixture.clock.set(refundDue.adding(days: 1).description)
            let overdue = try await get(client, fixture, "/v1/refunds", "exchange")["refunds"]?.arrayValue ?? []
            #expect(overdue.first { $0["intent"] == .string(outsider) }?["overdue"] == true)
            _ = try await post(
                client, fixture, "/v1/refunds/\(outsider)/payment", "exchange", ["reference": "退款回单-1"])
            let left = try await get(client, fixture, "/v1/refunds", "exchange")["refunds"]?.arrayValue ?? []
            #expect(!left.contains { $0["intent"] == .string(outsider) })

            // The 交易鉴证书 names the contract by its hash.
            let attestation = try await client.execute(
                uri: "/v1/deals/\(nextID)/certificate", method: .get, headers: fixture.headers("exchange"))
            let payload = try #require(attestation.text.split(separator: ".").dropFirst().first)
            let statement = try JSONParser.parse(try #require(Base64URL.decode(payload)))
            #expect(statement["contract"]?["sha256"] == settled["contract"]?["sha256"])
            #expect(settled["contract"]?["text"]?.stringValue?.contains("第7条") == true, "L-19's eight clauses")
        }
    }

    @Test(
        "issue 13: an auction with no bid fails (流拍), its deposits are released, and it is listed again at the reserve less the rule's step"
    )
    func failedAuctionRelisted() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let listing = try await announce(client, fixture, Self.lease(Self.contract(0, 6), price: 80_000))
            let id = try #require(listing["id"]?.stringValue)
            let a = try await register(client, fixture, id, "household:\(Self.household(0, 8))")
            let b = try await register(client, fixture, id, "household:\(Self.household(0, 9))")
            fixture.clock.set(try Self.instant(listing["auction"]?["ends_at"]).addingTimeInterval(60))
            let failed = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            #expect(failed["status"] == "failed")
            let nextID = try #require(failed["next"]?.stringValue)
            #expect(failed["intents"]?.arrayValue?.allSatisfy { $0["deposit_status"] == "refund-due" } == true)
            let next = try await get(client, fixture, "/v1/listings/\(nextID)", "exchange")
            #expect(next["status"] == "announced" && next["attempt"] == 2 && next["previous"] == .string(id))
            #expect(next["price_fen"] == 72_000, "80,000 less 10 %")
            let refunds = try await get(client, fixture, "/v1/refunds", "exchange")["refunds"]?.arrayValue ?? []
            let owed = Set(refunds.compactMap { $0["intent"]?.stringValue })
            #expect(owed.isSuperset(of: [a, b]))
        }
    }

    @Test(
        "issue 13: a court seizes the right after the deal: the deal is suspended, the buyer cannot pay or be forfeited, and termination releases every deposit, the buyer's included; a right is listed once"
    )
    func seizureSuspendsThenTerminates() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let listing = try await announce(client, fixture, Self.lease(Self.contract(0, 6)))
            let id = try #require(listing["id"]?.stringValue)
            // One live listing per right: a second listing of the same right is refused.
            let twice = try await post(
                client, fixture, "/v1/listings", "exchange", Self.lease(Self.contract(0, 6)), expect: .conflict)
            #expect(twice["code"] == "conflict.listing")
            let buyer = try await register(client, fixture, id, "household:\(Self.household(0, 8))")
            Self.afterAnnouncement(fixture, listing)
            let closed = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            let dealID = try #require(closed["deal"]?.stringValue)
            try await sign(client, fixture, dealID)

            _ = try await post(
                client, fixture, "/v1/rights/\(Self.contract(0, 6))/acts", "clerk",
                ["kind": "seizure", "court": "海盐县人民法院", "case_number": "(2026)浙0424执9号"], expect: .created)
            let suspended = try await get(client, fixture, "/v1/listings/\(id)", "exchange")
            #expect(suspended["status"] == "suspended" && suspended["suspension"]?["cause"] == "seizure")
            #expect(try await get(client, fixture, "/v1/deals/\(dealID)", "exchange")["status"] == "suspended")
            let payment = try await post(
                client, fixture, "/v1/deals/\(dealID)/payment", "exchange", ["reference": "回单"], expect: .conflict)
            #expect(payment["code"] == "conflict.suspended")
            let deal = try await get(client, fixture, "/v1/deals/\(dealID)", "exchange")
            fixture.clock.set(Day(deal["due"]!.stringValue!)!.adding(days: 30).description)
            let forfeit = try await post(
                client, fixture, "/v1/deals/\(dealID)/forfeit", "exchange", ["reason": "did-not-pay"],
                expect: .conflict)
            #expect(forfeit["code"] == "conflict.suspended")
            // Resuming while the seizure stands is refused; termination ends it and refunds in full.
            let resume = try await post(
                client, fixture, "/v1/listings/\(id)/resume", "exchange", ["reason": "复查"],
                expect: .unprocessableContent)
            #expect(resume["code"] == "rule.SPC-15")
            let terminated = try await post(
                client, fixture, "/v1/listings/\(id)/terminate", "exchange", ["reason": "法院查封，交易无法进行"])
            #expect(terminated["status"] == "terminated")
            #expect(Self.at(terminated["intents"], 0)?["deposit_status"] == "refund-due")
            #expect(try await get(client, fixture, "/v1/deals/\(dealID)", "exchange")["status"] == "terminated")
            var refunds = try await get(client, fixture, "/v1/refunds", "exchange")["refunds"]?.arrayValue ?? []
            #expect(refunds.contains { $0["intent"] == .string(buyer) && $0["amount_fen"] == 5_000 })

            // On the notice board: a seizure suspends the listing; its termination releases
            // every buyer's deposit.
            let second = try await announce(client, fixture, Self.lease(Self.contract(0, 7)))
            let secondID = try #require(second["id"]?.stringValue)
            let buyers = [
                try await register(client, fixture, secondID, "household:\(Self.household(0, 8))"),
                try await register(client, fixture, secondID, "household:\(Self.household(0, 9))"),
            ]
            _ = try await post(
                client, fixture, "/v1/rights/\(Self.contract(0, 7))/acts", "clerk",
                ["kind": "seizure", "court": "海盐县人民法院", "case_number": "(2026)浙0424执10号"], expect: .created)
            let board = try await client.execute(uri: "/v1/listings?status=suspended", method: .get)
            #expect(board.json["listings"]?.arrayValue?.contains { $0["id"] == .string(secondID) } == true)
            let intent = try await post(
                client, fixture, "/v1/listings/\(secondID)/intents", "exchange",
                ["buyer": .string("household:\(Self.household(0, 10))"), "deposit_fen": 5_000, "capacity": "种粮户"],
                expect: .conflict)
            #expect(intent["code"] == "conflict.suspended")
            let ended = try await post(
                client, fixture, "/v1/listings/\(secondID)/terminate", "exchange", ["reason": "查封"])
            #expect(ended["intents"]?.arrayValue?.allSatisfy { $0["deposit_status"] == "refund-due" } == true)
            refunds = try await get(client, fixture, "/v1/refunds", "exchange")["refunds"]?.arrayValue ?? []
            let owed = Set(refunds.compactMap { $0["intent"]?.stringValue })
            #expect(owed.isSuperset(of: Set(buyers)))
        }
    }
}

/// What a streaming client has read so far.
final class StreamTranscript: Sendable {
    let text = Mutex("")

    func append(_ data: Data) { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }

    /// Waits until the transcript holds `needle` (or gives up after `seconds`).
    func wait(for needle: String, seconds: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if text.withLock({ $0.contains(needle) }) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}

extension ExchangeRouteTests {
    @Test(
        "issue 13: bidders watch the auction live: curl reads the SSE stream while bids arrive, then the result, and the stream ends"
    )
    func liveStream() async throws {
        let fixture = try await ServerFixture()
        try await fixture.application.test(.live) { client in
            let listing = try await announce(client, fixture, Self.lease(Self.contract(0, 6)))
            let id = try #require(listing["id"]?.stringValue)
            let a = try await register(client, fixture, id, "household:\(Self.household(0, 8))")
            let b = try await register(client, fixture, id, "household:\(Self.household(0, 9))")
            let opens = try Self.instant(listing["auction"]?["opens_at"])
            fixture.clock.set(opens.addingTimeInterval(60))

            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = [
                "curl", "-sN", "--max-time", "60",
                "http://127.0.0.1:\(try #require(client.port))/v1/listings/\(id)/events",
            ]
            let pipe = Pipe()
            curl.standardOutput = pipe
            let transcript = StreamTranscript()
            pipe.fileHandleForReading.readabilityHandler = { handle in transcript.append(handle.availableData) }
            try curl.run()
            defer { if curl.isRunning { curl.terminate() } }

            // The stream opens with the standing and the countdown, before any bid.
            #expect(await transcript.wait(for: "event: standing"))
            #expect(await transcript.wait(for: "\"phase\":\"free\""))
            #expect(!transcript.text.withLock { $0.contains("81000") })
            // Bids arrive while the client reads: each new standing is pushed.
            _ = try await bid(client, fixture, id, a, 80_000, at: opens.addingTimeInterval(120))
            _ = try await bid(client, fixture, id, b, 81_000, at: opens.addingTimeInterval(180))
            #expect(await transcript.wait(for: "\"amount_fen\":81000"))
            // The auction ends and closes: the result, and the server ends the stream.
            fixture.clock.set(try Self.instant(listing["auction"]?["ends_at"]).addingTimeInterval(60))
            _ = try await post(client, fixture, "/v1/listings/\(id)/close", "exchange")
            #expect(await transcript.wait(for: "event: result"))
            let deadline = Date().addingTimeInterval(10)
            while curl.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!curl.isRunning, "the server ends the stream after the result")
            let text = transcript.text.withLock { $0 }
            #expect(
                text.contains("\"status\":\"awaiting-payment\"") && text.contains("\"best_bid_fen\":81000"), "\(text)")
            // Events arrive in order: the first bid's standing before the second's, the result last.
            let first = try #require(text.range(of: "\"amount_fen\":80000"))
            let second = try #require(text.range(of: "\"amount_fen\":81000"))
            let result = try #require(text.range(of: "event: result"))
            #expect(first.lowerBound < second.lowerBound && second.lowerBound < result.lowerBound)
        }
    }
}

extension ExchangeRouteTests {
    @Test(
        "issue 13: the rule set is a logged act: the exchange sets it, a listing submitted afterwards carries it, bounds are refused by field"
    )
    func ruleSet() async throws {
        let fixture = try await ServerFixture()
        try await fixture.test { client in
            let defaults = try await client.execute(uri: "/v1/exchange/rules", method: .get)
            #expect(defaults.json["timed_round_minutes"] == 5 && defaults.json["refund_working_days"] == 7)
            let refused = try await client.execute(
                uri: "/v1/exchange/rules", method: .put, headers: fixture.headers("clerk"),
                body: jsonBody(["timed_round_minutes": 3]))
            #expect(refused.status == .forbidden)
            let bad = try await client.execute(
                uri: "/v1/exchange/rules", method: .put, headers: fixture.headers("exchange"),
                body: jsonBody(["timed_round_minutes": 0, "relist_reduction_percent": 90]))
            #expect(bad.status == .unprocessableContent, "\(bad.text)")
            #expect(bad.text.contains("timed_round_minutes") && bad.text.contains("relist_reduction_percent"))
            let set = try await client.execute(
                uri: "/v1/exchange/rules", method: .put, headers: fixture.headers("exchange"),
                body: jsonBody(["timed_round_minutes": 3, "free_bidding_minutes": 60]))
            #expect(set.status == .ok && set.json["timed_round_minutes"] == 3 && set.json["refund_working_days"] == 7)
            let listing = try await announce(client, fixture, Self.lease(Self.contract(0, 6)))
            #expect(listing["rules"]?["timed_round_minutes"] == 3 && listing["auction"]?["round_minutes"] == 3)
            let opens = try Self.instant(listing["auction"]?["opens_at"])
            #expect(try Self.instant(listing["auction"]?["free_ends_at"]) == opens.addingTimeInterval(3_600))
        }
    }
}
