import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

/// The synthetic village with the exchange on top: a clock the test moves, and shorthands for
/// the listings the tests put up.
struct Market {
    let t: TestRegistry
    let exchange: ExchangeService
    let desk = "exchange:desk"

    init(rules: ExchangeRules = ExchangeRules()) async throws {
        t = try await TestRegistry(
            store: try await TestStore.default.make(ProductSchema.migrations), tables: ProductSchema.tables,
            reactions: ProductSchema.reactions)
        exchange = ExchangeService(registry: t.registry)
        if rules != ExchangeRules() { _ = try await exchange.setRules(rules, actor: "exchange:admin") }
    }

    static let leaseTerm = try! Term(start: Day("2027-01-01")!, end: Day("2036-12-31")!)

    func lease(of right: RightID, price: Fen = 100_000, deposit: Fen = 5_000, consents: [Consent] = [])
        -> ListingApplication
    {
        ListingApplication(
            right: right, kind: .lease, price: price, increment: 1_000, deposit: deposit,
            lease: LeaseOffer(term: Self.leaseTerm, use: "粮食种植"), consents: consents,
            filing: TestRegistry.filing())
    }

    /// Submitted and approved: on the notice board.
    func announce(_ application: ListingApplication) async throws -> Listing {
        let listing = try await exchange.submit(application, by: .desk, actor: desk)
        return try await exchange.review(listing.id, approve: true, reason: nil, actor: desk)
    }

    func intent(_ listing: Listing, _ buyer: Holder, priority: PriorityClaim? = nil, offer: Fen? = nil) async throws
        -> Intent
    {
        try await exchange.registerIntent(
            listing.id,
            IntentApplication(
                buyer: buyer, deposit: listing.deposit, priority: priority,
                capacity: listing.kind == .lease ? "种粮大户, 农机合作社成员" : nil, offer: offer),
            by: .desk, actor: desk)
    }

    /// Moves the clock to `minutes` after bidding opened.
    func biddingTime(_ listing: Listing, plusMinutes minutes: Double) {
        t.clock.set(listing.auction!.opens.addingTimeInterval(minutes * 60))
    }

    /// The day after the announcement, at 10:00.
    func afterAnnouncement(_ listing: Listing) {
        t.clock.set(listing.announcement!.end.adding(days: 1).description)
    }

    /// E-7: both parties sign, then the payment is confirmed.
    @discardableResult
    func settle(_ deal: DealID, reference: String, actor: String) async throws -> Deal {
        for party in ContractParty.allCases where !(try await exchange.deal(deal).signatures ?? []).contains(party) {
            _ = try await exchange.sign(deal, as: party, by: .desk, actor: actor)
        }
        return try await exchange.confirmPayment(deal, reference: reference, actor: actor)
    }

    /// L-18: `intents` match the best price; after the period the close decides the deal.
    func matchAndClose(_ listing: Listing, _ intents: [Intent]) async throws -> Deal {
        for intent in intents {
            _ = try await exchange.claimPriority(listing.id, intent: intent.id, by: .desk, actor: desk)
        }
        let until = try #require(try await exchange.listing(listing.id).matching?.until)
        t.clock.set(until.adding(days: 1).description)
        return try await exchange.deal(try #require(try await exchange.close(listing.id, actor: desk).deal))
    }

    @discardableResult
    func bid(_ listing: Listing, _ intent: Intent, _ amount: Fen) async throws -> Listing {
        try await exchange.bid(listing.id, intent: intent.id, amount: amount, by: .desk, actor: desk)
    }

    /// An agricultural company, an outsider to every collective.
    func company(_ n: Int = 1) async throws -> Holder {
        let code = try CreditCode.completing("91330424MA2B000\(n)X")
        try await t.perform(.registerOrganisation(Organisation(creditCode: code, name: "嘉兴农业发展有限公司\(n)")))
        return .organisation(code)
    }

    func share(_ v: Int, _ h: Int) async throws -> Right {
        try #require(
            try await t.reads.rights(RightQuery(holder: .person(t.head(v, h)), kind: .collectiveShare)).first)
    }
}
