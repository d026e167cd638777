import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

/// The listing's whole life under its rule set: the options, the clock stopped and restarted,
/// forfeits by reason, re-listing's limit, and the log's older shapes.
@Suite("Exchange: rule set, suspension, forfeits, re-listing")
struct ExchangeLifecycleTests {
    @Test("the rule set's deposit floor is checked at submission and the rules are logged with the listing")
    func depositFloor() async throws {
        var rules = ExchangeRules()
        rules.minimumDepositPercent = 10
        rules.timedRoundMinutes = 3
        let m = try await Market(rules: rules)
        try await m.t.expectRefusal("rule.E-1") {
            _ = try await m.exchange.submit(m.lease(of: m.t.contract(0, 1), deposit: 9_999), by: .desk, actor: m.desk)
        }
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1), deposit: 10_000))
        #expect(listing.rules == rules)
        let logged = try #require(try await m.t.store.entry(listing.id.entry))
        #expect(logged.kind == "listing" && logged.version == 2)
        #expect(logged.payload["rules"]?["timed_round_minutes"] == 3)
        #expect(listing.auction?.roundMinutes == 3)
    }

    @Test("the desk suspends and resumes: every deadline moves by the days stopped; nothing is taken while stopped")
    func suspendAndResume() async throws {
        let m = try await Market()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        let buyer = try await m.company()
        m.t.clock.advance(days: 1)
        let stopped = try await m.exchange.suspend(listing.id, reason: "材料复核", actor: m.desk)
        #expect(stopped.status == .suspended && stopped.suspension?.resumes == .announced)
        try await m.t.expectRefusal("conflict.suspended") { _ = try await m.intent(listing, buyer) }
        try await m.t.expectRefusal("conflict.listing") {
            _ = try await m.exchange.suspend(listing.id, reason: "again", actor: m.desk)
        }
        m.t.clock.advance(days: 3)
        let resumed = try await m.exchange.resume(listing.id, reason: "复核完毕", actor: m.desk)
        #expect(resumed.status == .announced && resumed.suspension == nil)
        #expect(resumed.announcement?.end == listing.announcement?.end.adding(days: 3))
        #expect(resumed.auction?.opens == listing.auction?.opens.addingTimeInterval(3 * 86_400))
        _ = try await m.intent(resumed, buyer)
    }

    @Test(
        "forfeits are for the buyer's own reasons: not signing only after the due day and while unsigned; withdrawing at once"
    )
    func forfeitReasons() async throws {
        let m = try await Market()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        _ = try await m.intent(listing, try await m.company(1))
        m.afterAnnouncement(listing)
        let deal = try await m.exchange.deal(try #require(try await m.exchange.close(listing.id, actor: m.desk).deal))
        #expect(deal.contract?.text.contains("第8条") == true && deal.contract?.title == "农村土地经营权流转合同")
        try await m.t.expectRefusal("rule.E-7") {
            _ = try await m.exchange.forfeit(deal.id, reason: .didNotSign, actor: m.desk)
        }
        try await m.t.expectRefusal("rule.E-7") {
            _ = try await m.exchange.confirmPayment(deal.id, reference: "unsigned", actor: m.desk)
        }
        let (forfeited, next) = try await m.exchange.forfeit(deal.id, reason: .withdrew, actor: m.desk)
        #expect(forfeited.forfeit == .withdrew && next == nil)
        #expect(forfeited.disposition == ForfeitDisposition(deposit: 5_000, feePercent: 10))
        #expect(try await m.exchange.listing(listing.id).status == .failed)
    }

    @Test(
        "a right on the exchange is not withdrawn, and a withdrawal applied for is not paid while the right is listed")
    func withdrawalAndListing() async throws {
        let m = try await Market()
        let share = try await m.share(0, 1)
        let consent = [TestRegistry.consent(.coHolders, "本人")]
        let applied = try await m.exchange.applyWithdrawal(
            WithdrawalApplication(right: share.id, compensation: 30_000, shares: 1, consents: consent), by: .desk,
            actor: m.desk)
        _ = try await m.exchange.approveWithdrawal(applied.id, approval: "决议", actor: m.desk)
        _ = try await m.announce(
            ListingApplication(
                right: share.id, kind: .shareSale, price: 30_000, increment: 1_000, deposit: 0, shares: 1))
        try await m.t.expectRefusal("conflict.listing") {
            _ = try await m.exchange.payWithdrawal(applied.id, reference: "付款", actor: m.desk)
        }
        try await m.t.expectRefusal("conflict.listing") {
            _ = try await m.exchange.applyWithdrawal(
                WithdrawalApplication(right: share.id, compensation: 30_000, shares: 1, consents: consent), by: .desk,
                actor: m.desk)
        }
    }

    @Test("FLM-10: the sitting lessee, whose lease ends before the one offered begins, claims the renewal right")
    func sittingLessee() async throws {
        let m = try await Market()
        let lessee = try await m.company(1)
        try await m.t.perform(
            TestRegistry.lease(of: m.t.contract(0, 1), to: lessee, from: "2026-12-01", to: "2031-12-31"))
        var offer = m.lease(of: m.t.contract(0, 1))
        offer.lease = LeaseOffer(term: try Term(start: Day("2032-01-01")!, end: Day("2041-12-31")!), use: "水稻种植")
        let listing = try await m.announce(offer)
        let renewal = try await m.intent(listing, lessee, priority: .renewal)
        #expect(renewal.priority == .renewal && renewal.priorityRefused == nil)
        // Another company holds no lease of this land: an ordinary bidder.
        let other = try await m.intent(listing, try await m.company(2), priority: .renewal)
        #expect(other.priority == nil && other.priorityRefused?.hasPrefix("rule.FLM-10") == true)
    }

    @Test("流拍 is listed again at most the rule's number of attempts, each linked to the one before")
    func relistingLimit() async throws {
        var rules = ExchangeRules()
        rules.maximumAttempts = 2
        rules.relistReductionPercent = 20
        let m = try await Market(rules: rules)
        let first = try await m.announce(m.lease(of: m.t.contract(0, 1), price: 100_000))
        m.afterAnnouncement(first)
        let failed = try await m.exchange.close(first.id, actor: m.desk)
        let second = try await m.exchange.listing(try #require(failed.next))
        #expect(second.attempt == 2 && second.previous == first.id && second.price == 80_000)
        #expect(second.status == .announced)
        m.afterAnnouncement(second)
        let last = try await m.exchange.close(second.id, actor: m.desk)
        #expect(last.status == .failed && last.next == nil)
    }

    @Test("a listing logged before rule sets, lots and typed IDs (version 1) replays into the same listing")
    func legacyListing() async throws {
        let payload: JSONValue = [
            "listing": [
                "id": "L7", "kind": "lease", "right": "330424100200000001J", "seller": "household:330424100200000001",
                "submitted_by": "desk", "price_fen": 100_000, "increment_fen": 1_000, "deposit_fen": 5_000,
                "consents": [], "status": "submitted", "intents": [], "bids": [],
            ]
        ]
        let event = try EventCatalog.exchange.event(
            of: LogEntry(
                index: 7, kind: "listing", version: 1, time: "2026-11-20T10:00:00+08:00", actor: "desk",
                payload: payload))
        let submitted = try #require(event as? ListingSubmitted)
        #expect(submitted.listing == ListingID(entry: 7) && submitted.terms.price == 100_000 && submitted.rules == nil)
        let window: JSONValue = [
            "opens_at": "2026-12-02T09:00:00+08:00", "ends_at": "2026-12-02T15:00:00+08:00", "extension_minutes": 5,
        ]
        let schedule = try JSONValueDecoder().decode(AuctionSchedule.self, from: window)
        #expect(schedule.roundMinutes == 5 && schedule.freeEndsAt == "2026-12-02T14:55:00+08:00")
    }

    @Test("the lot is a function of the listing, the tree head and the claimants, in no order of claiming")
    func lotIsRecomputable() throws {
        let root = try #require(TreeHash(bytes: Array(repeating: 7, count: 32)))
        let claimants = (1...5).map { IntentID(entry: UInt64($0 * 11)) }
        let lot = PriorityLot(listing: ListingID(entry: 3), treeSize: 99, root: root, claimants: claimants)
        let again = PriorityLot(listing: ListingID(entry: 3), treeSize: 99, root: root, claimants: claimants.reversed())
        #expect(lot == again && Set(lot.order) == Set(claimants))
        let other = PriorityLot(listing: ListingID(entry: 3), treeSize: 100, root: root, claimants: claimants)
        #expect(other.seed != lot.seed)
    }
}
