import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

/// Rules that bind only in some places or for some sellers: 农房 mortgage pilots (H-10, H-11),
/// homestead transfer pilots (H-12), a collective selling (L-25), and the written contract a
/// mortgage rests on (C-11) and the purpose a search states.
@Suite("Rules of pilots, collectives, contracts and searches")
struct PilotAndCollectiveRulesTests {
    typealias T = TestRegistry

    @Test(
        "C-11: a mortgage states the secured amount; H-11: a pilot's 农房 mortgage needs the collective, the co-owners and another residence"
    )
    func homesteadMortgagePilot() async throws {
        let m = try await Market()
        let t = m.t
        try await t.expectRefusal("rule.C-11") {
            try await t.act(t.contract(0, 1), T.mortgage(T.bankA, 0))
        }
        let homestead = t.homestead(0, 1)
        var policy = RegistryPolicy.default
        policy.homesteadMortgagePilots = [try RegionCode(t.county.villages()[0])]
        try await t.perform(.setPolicy(policy))
        func mortgage(_ consents: [Consent], residence: String?) -> RightAct {
            .mortgage(
                MortgageApplication(
                    mortgagee: T.bankA, amount: 200_000, term: Market.leaseTerm, contract: "农房抵押合同",
                    consents: consents, otherResidence: residence, mortgagor: T.mortgagor))
        }
        try await t.expectRefusal("rule.H-11") {
            try await t.act(homestead, mortgage([], residence: "城区住房产权证"))
        }
        try await t.expectRefusal("rule.H-11") {
            try await t.act(homestead, mortgage([T.consent(.collective)], residence: nil))
        }
        try await t.act(homestead, mortgage([T.consent(.collective), T.consent(.coHolders)], residence: "城区住房产权证"))
        #expect(try await RegistryQueries(registry: t.registry).report(homestead).flags.mortgaged)
        // Outside the pilot the same application is refused (C-10, H-10).
        try await t.expectRefusal("rule.C-10") {
            try await t.act(
                t.homestead(1, 1), mortgage([T.consent(.collective), T.consent(.coHolders)], residence: "城区住房"))
        }
    }

    @Test("H-12: the exchange lists a homestead for transfer only in a transfer pilot region")
    func homesteadTransferPilot() async throws {
        let m = try await Market()
        let listing = try await m.exchange.submit(
            ListingApplication(
                right: m.t.homestead(0, 1), kind: .transfer, price: 500_000, increment: 10_000, deposit: 0),
            by: .desk, actor: m.desk)
        try await m.t.expectRefusal("rule.H-12") {
            _ = try await m.exchange.review(listing.id, approve: true, reason: nil, actor: m.desk)
        }
    }

    @Test("L-25: a collective disposes of what it holds only on a two-thirds vote and the 乡镇's approval")
    func collectiveSells() async throws {
        let m = try await Market()
        let t = m.t
        let collective = Holder.collective(t.collective(0))
        let entry = try await t.perform(T.lease(of: t.contract(0, 1), to: collective))
        let lease = RightID.landManagement(parent: t.contract(0, 1), entry: entry.index)
        func offer(_ decision: CollectiveDecision?) -> ListingApplication {
            ListingApplication(
                right: lease, kind: .lease, price: 80_000, increment: 1_000, deposit: 0,
                lease: LeaseOffer(term: Market.leaseTerm, use: "粮食种植"), consents: [T.consent(.contractHolder)],
                filing: T.filing("村集体经济组织"), collectiveDecision: decision)
        }
        let undecided = try await m.exchange.submit(offer(nil), by: .desk, actor: m.desk)
        try await t.expectRefusal("rule.L-25") {
            _ = try await m.exchange.review(undecided.id, approve: true, reason: nil, actor: m.desk)
        }
        // One live listing per right (E-2): the desk rejects an application before a new one.
        try await t.expectRefusal("conflict.listing") {
            _ = try await m.exchange.submit(offer(nil), by: .desk, actor: m.desk)
        }
        _ = try await m.exchange.review(undecided.id, approve: false, reason: "无表决", actor: m.desk)
        let short = try await m.exchange.submit(
            offer(CollectiveDecision(votesFor: 60, votesCast: 100, townshipApproval: "镇政府批复")), by: .desk,
            actor: m.desk)
        try await t.expectRefusal("rule.L-25") {
            _ = try await m.exchange.review(short.id, approve: true, reason: nil, actor: m.desk)
        }
        _ = try await m.exchange.review(short.id, approve: false, reason: "未达三分之二", actor: m.desk)
        let carried = try await m.exchange.submit(
            offer(CollectiveDecision(votesFor: 70, votesCast: 100, townshipApproval: "镇政府批复")), by: .desk,
            actor: m.desk)
        #expect(try await m.exchange.review(carried.id, approve: true, reason: nil, actor: m.desk).status == .announced)
    }

    @Test("R-14: a search of the register states its purpose")
    func searchPurpose() async throws {
        let t = try await TestRegistry()
        let size = try await t.store.size()
        await #expect(throws: RegistryError.rule("R-14", "")) {
            _ = try await CollateralSearches(registry: t.registry).search(
                subject: t.contract(0, 1).rawValue, borrower: t.head(0, 1).rawValue, purpose: "  ", party: T.bankA,
                searcher: "银行", actor: "bank:test")
        }
        #expect(try await t.store.size() == size)
    }
}
