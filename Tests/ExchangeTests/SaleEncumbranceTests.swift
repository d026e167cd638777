import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

/// What a sale on the exchange does to the mortgages on what it sells (issue cases 1–3).
@Suite("Exchange: sales and the mortgages on what they sell")
struct SaleEncumbranceTests {
    typealias T = TestRegistry

    /// A transfer of household (0, 1)'s contract land, negotiated with household (0, 3) at `price`.
    func sell(_ m: Market, price: Fen, consents: [Consent] = []) async throws -> Deal {
        let listing = try await m.announce(
            ListingApplication(
                right: m.t.contract(0, 1), kind: .transfer, price: price, increment: 10_000, deposit: 0,
                consents: [T.consent(.contractingParty)] + consents))
        _ = try await m.intent(listing, .household(m.t.household(0, 3)))
        m.afterAnnouncement(listing)
        let deal = try await m.exchange.deal(try #require(try await m.exchange.close(listing.id, actor: m.desk).deal))
        return try await m.settle(deal.id, reference: "回单-1", actor: m.desk)
    }

    @Test("2: a sale below the secured amount pays the mortgagee what it can, and the mortgage follows for the rest")
    func partPaidMortgageFollows() async throws {
        let m = try await Market()
        let mortgage = m.t.encumbrance(try await m.t.act(m.t.contract(0, 1), T.mortgage(T.bankA, 400_000)))
        let settled = try await sell(m, price: 200_000)
        #expect(
            settled.payouts
                == [
                    Payout(to: T.bankA, mortgage: mortgage, amount: 200_000),
                    Payout(to: "household:\(m.t.household(0, 1))", mortgage: nil, amount: 0),
                ])
        let after = try #require(try await m.t.reads.encumbrance(mortgage))
        #expect(after.isActive(on: m.t.registry.today), "not paid off, not released")
        #expect(after.right == m.t.contract(0, 3) && after.outstanding == 200_000)
        #expect(try await m.t.violations().isEmpty)
    }

    @Test("2: a sale that pays the mortgage in full releases it; the rest goes to the seller")
    func paidMortgageEnds() async throws {
        let m = try await Market()
        let mortgage = m.t.encumbrance(try await m.t.act(m.t.contract(0, 1), T.mortgage(T.bankA, 300_000)))
        let settled = try await sell(m, price: 500_000)
        #expect(settled.payouts?.map(\.amount) == [300_000, 200_000])
        #expect(try await m.t.reads.encumbrance(mortgage)?.status(on: m.t.registry.today) == .released)
        #expect(try await m.t.violations().isEmpty)
    }

    @Test("1: with the mortgagee's written consent the mortgage follows the land to the buyer, unpaid")
    func consentedMortgageFollows() async throws {
        let m = try await Market()
        let mortgage = m.t.encumbrance(try await m.t.act(m.t.contract(0, 1), T.mortgage(T.bankA, 300_000)))
        let consent = Consent(party: .mortgagee, by: T.bankA, document: "抵押权人同意书", on: m.t.registry.today)
        let settled = try await sell(m, price: 500_000, consents: [consent])
        #expect(settled.payouts?.isEmpty ?? true)
        let after = try #require(try await m.t.reads.encumbrance(mortgage))
        #expect(after.right == m.t.contract(0, 3) && after.isActive(on: m.t.registry.today))
        // The bank can still enforce it against the land, now the buyer's.
        m.t.clock.set("2027-02-01")
        let listing = try await m.exchange.foreclose(
            mortgage,
            ListingApplication(
                right: m.t.contract(0, 3), kind: .foreclosureSale, price: 300_000, increment: 10_000, deposit: 0,
                consents: [T.consent(.contractingParty)],
                default: DefaultStatement(since: Day("2027-01-15")!, amount: 300_000, notice: "催收通知书")),
            bank: T.bankA, actor: "bank:A")
        #expect(listing.right == m.t.contract(0, 3) && listing.seller == .household(m.t.household(0, 3)))
    }

    @Test("3: a bank alone only applies; the mortgage exists once the mortgagor's side is on record (R-6)")
    func jointApplication() async throws {
        let m = try await Market()
        let right = m.t.contract(0, 1)
        let pending = m.t.encumbrance(try await m.t.act(right, T.mortgage(T.bankA, 300_000, joint: false)))
        let report = try await RegistryQueries(registry: m.t.registry).report(right)
        #expect(!report.flags.mortgaged, "an application burdens nothing")
        #expect(try await m.t.reads.encumbrance(pending)?.status(on: m.t.registry.today) == .pending)
        try await m.t.expectRefusal("conflict.mortgage") {
            _ = try await m.exchange.foreclose(
                pending,
                ListingApplication(
                    right: right, kind: .foreclosureSale, price: 1, increment: 1, deposit: 0,
                    default: DefaultStatement(since: Day("2026-11-15")!, amount: 1, notice: "x")),
                bank: T.bankA, actor: "bank:A")
        }
        m.t.clock.set("2026-11-25")
        // Every co-holder of the household consents (R-6, L-7).
        try await m.t.expectRefusal("rule.R-6") {
            try await m.t.act(right, .mortgageJoin(pending, MortgagorApplication(application: "申请书")))
        }
        try await m.t.act(right, .mortgageJoin(pending, T.mortgagor))
        let joined = try #require(try await m.t.reads.encumbrance(pending))
        #expect(joined.isActive(on: m.t.registry.today) && joined.registeredOn == Day("2026-11-25"))
        // An application nobody completes lapses; once what it names has changed hands it cannot be
        // joined.
        let unanswered = m.t.encumbrance(
            try await m.t.act(m.t.contract(0, 2), T.mortgage(T.bankB, 1_000, joint: false)))
        try await m.t.act(m.t.contract(0, 2), T.transfer(to: m.t.household(0, 4), parcels: [m.t.parcels(0, 2)[0]]))
        try await m.t.expectRefusal("conflict.mortgage") {
            try await m.t.act(m.t.contract(0, 2), .mortgageJoin(unanswered, T.mortgagor))
        }
        m.t.clock.set("2027-03-01")
        #expect(try await m.t.reads.encumbrance(unanswered)?.status(on: m.t.registry.today) == .lapsed)
        #expect(try await m.t.violations().isEmpty)
    }
}

@Suite("Exchange: a 林地 contract inherited by a person")
struct InheritedForestTests {
    typealias T = TestRegistry

    @Test("L-12: heirs continue a 林地 contract; the heir, holding it alone, may withdraw it for payment")
    func inheritedForest() async throws {
        let m = try await Market()
        let t = m.t
        // A household with a 林地 contract (50 years), whose last member dies.
        let household = try HouseholdCode(t.collective(0).rawValue + "0070")
        let head = Person(name: "林农", idNumber: t.county.citizenID(9_800))
        try await t.perform(.registerHousehold(HouseholdApplication(code: household, head: head, members: [])))
        let forest = Parcel(
            code: t.parcel(0, 900), location: "东港村林场", bounds: Bounds(east: "山脊", south: "溪", west: "林道", north: "山脊"),
            area: try SquareMetres("5000.00"), landUse: .forestry, basicFarmland: false)
        try await t.perform(
            .registerRight(
                RightApplication(
                    subject: .contractLand(contract: ContractCode(household: household), parcels: [forest]),
                    term: try Term(start: Day.input("2020-01-01"), end: Day.input("2069-12-31")), origin: .imported)))
        let contract = RightID.contractLand(ContractCode(household: household))
        try await t.perform(
            .removeMember(household, MemberRemoval(person: head.idNumber, reason: .death, document: "死亡证明")))
        let heir = Person(name: "继承人", idNumber: t.county.citizenID(9_801))
        try await t.perform(.registerPerson(heir))
        try await t.act(
            contract,
            .inheritance(
                Inheritance(
                    heir: .person(heir.idNumber), deceased: head.idNumber, basis: .heirsAgreement,
                    deathCertificate: "死亡证明", document: "继承人协议")))
        #expect(try await t.right(contract).holder == .person(heir.idNumber))
        let applied = try await m.exchange.applyWithdrawal(
            WithdrawalApplication(right: contract, compensation: 500_000, noticeOn: Day("2026-01-01")!), by: .desk,
            actor: m.desk)
        _ = try await m.exchange.approveWithdrawal(applied.id, approval: "村民代表会议决议", actor: m.desk)
        let paid = try await m.exchange.payWithdrawal(applied.id, reference: "付款", actor: m.desk)
        #expect(paid.status == .paid)
        #expect(try await t.right(contract).status(on: t.registry.today) == .cancelled)
        #expect(try await t.violations().isEmpty)
    }
}
