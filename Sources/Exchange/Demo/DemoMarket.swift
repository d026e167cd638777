public import RightsRegistry

/// The demo county's exchange board (`rights demo`, `serve --demo`): a ten-year lease of
/// household 0006's contract land in the first village, listed by the household's mandated
/// agent (FLM-8) and approved by the desk, so it is announced and open for intents.
public enum DemoMarket {
    public static let desk = "exchange:演示交易中心"

    @discardableResult
    public static func announce(in registry: Registry) async throws -> Listing {
        let exchange = ExchangeService(registry: registry)
        let household = try HouseholdCode(DemoCounty.county.villages()[0] + "00" + "0006")
        let today = registry.today
        let start = Day(year: today.year + 1, month: 1, day: 1)!
        let application = ListingApplication(
            right: .contractLand(ContractCode(household: household)), kind: .lease, price: 120_000, increment: 1_000,
            deposit: 5_000,
            lease: LeaseOffer(term: try Term(start: start, end: start.adding(years: 10).adding(days: -1)), use: "粮食种植"),
            filing: Filing(matter: "流转", filedWith: "东港村股份经济合作社", document: "备案(2026)06号", on: today))
        let listing = try await exchange.submit(
            application, by: .agent(party: DemoCounty.agent), actor: "agent:\(DemoCounty.agentName)")
        return try await exchange.review(listing.id, approve: true, reason: nil, actor: desk)
    }
}
