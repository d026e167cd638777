import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

@Suite("Exchange: mortgages, foreclosure, withdrawals")
struct MortgageAndWithdrawalTests {
    static let bankA = "91330424MA2B8888X1"
    static let bankB = "91330424MA2B9999X0"

    /// A mortgage applied for jointly at the counter: the bank's application and the mortgagor's.
    static func mortgage(_ bank: String, _ amount: Fen, consents: [Consent] = []) -> RightAct {
        .mortgage(
            MortgageApplication(
                mortgagee: bank, amount: amount, term: Market.leaseTerm, contract: "抵押合同-\(bank.suffix(4))",
                consents: consents, filing: TestRegistry.filing("发包方", matter: "融资担保"),
                mortgagor: TestRegistry.mortgagor))
    }

    @Test("mortgages: C-10 refuses seized rights, L-21 needs the filing, only the mortgagee releases (C-12 rank)")
    func mortgageRules() async throws {
        let m = try await Market()
        let right = m.t.contract(0, 1)
        try await m.t.expectRefusal("rule.L-21") {
            try await m.t.act(
                right,
                .mortgage(
                    MortgageApplication(
                        mortgagee: Self.bankA, amount: 1_000, term: Market.leaseTerm, contract: "合同")))
        }
        let first = try await m.t.act(right, Self.mortgage(Self.bankA, 300_000))
        let second = try await m.t.act(right, Self.mortgage(Self.bankB, 200_000))
        #expect(first.index < second.index, "rank follows registration order")
        let id = EncumbranceRegistered.id(at: first.index)
        try await m.t.expectRefusal("auth.mortgagee") {
            try await m.t.act(right, .mortgageRelease(mortgage: id, by: Self.bankB))
        }
        try await m.t.act(right, .mortgageRelease(mortgage: id, by: Self.bankA))
        #expect(try await m.t.reads.encumbrance(id)?.isActive(on: m.t.registry.today) == false)
        // C-10: a seized right is not mortgaged; a homestead only in a pilot region (H-10).
        try await m.t.act(m.t.contract(0, 2), .seizure(court: "海盐县人民法院", caseNumber: "(2026)执2号"))
        try await m.t.expectRefusal("rule.C-10") { try await m.t.act(m.t.contract(0, 2), Self.mortgage(Self.bankA, 1)) }
        try await m.t.expectRefusal("rule.C-10") {
            try await m.t.act(m.t.homestead(0, 1), Self.mortgage(Self.bankA, 1))
        }
        // S-16: a pledge of shares needs the collective's consent.
        let share = try await m.share(0, 1)
        try await m.t.expectRefusal("rule.S-16") { try await m.t.act(share.id, Self.mortgage(Self.bankA, 1)) }
    }

    @Test("foreclosure: the sale's proceeds pay the mortgages by rank, the rest goes to the holder, all released")
    func foreclosure() async throws {
        let m = try await Market()
        let right = m.t.contract(0, 1)
        let first = EncumbranceRegistered.id(at: try await m.t.act(right, Self.mortgage(Self.bankA, 300_000)).index)
        let second = EncumbranceRegistered.id(at: try await m.t.act(right, Self.mortgage(Self.bankB, 200_000)).index)
        let application = ListingApplication(
            right: right, kind: .foreclosureSale, price: 400_000, increment: 10_000, deposit: 10_000,
            consents: [TestRegistry.consent(.contractingParty)],
            default: DefaultStatement(since: Day("2027-01-01")!, amount: 300_000, notice: "催收通知书-1"))
        // 民法典 410: nothing is due before the secured claim's term begins (2027-01-01).
        try await m.t.expectRefusal("rule.CC-410") {
            _ = try await m.exchange.foreclose(first, application, bank: Self.bankA, actor: "bank:A")
        }
        m.t.clock.set("2027-02-01")
        try await m.t.expectRefusal("auth.mortgagee") {
            _ = try await m.exchange.foreclose(first, application, bank: Self.bankB, actor: "bank:B")
        }
        var listing = try await m.exchange.foreclose(first, application, bank: Self.bankA, actor: "bank:A")
        #expect(listing.kind == .foreclosureSale && listing.seller == .household(m.t.household(0, 1)))
        listing = try await m.exchange.review(listing.id, approve: true, reason: nil, actor: m.desk)
        let buyer = Holder.household(m.t.household(0, 3))
        _ = try await m.intent(listing, buyer, offer: 450_000)
        m.afterAnnouncement(listing)
        let deal = try await m.exchange.deal(try #require(try await m.exchange.close(listing.id, actor: m.desk).deal))
        let settled = try await m.settle(deal.id, reference: "流水-F", actor: m.desk)
        #expect(
            settled.payouts
                == [
                    Payout(to: Self.bankA, mortgage: first, amount: 300_000),
                    Payout(to: Self.bankB, mortgage: second, amount: 150_000),
                    Payout(to: "household:\(m.t.household(0, 1))", mortgage: nil, amount: 0),
                ])
        for id in [first, second] {
            #expect(try await m.t.reads.encumbrance(id)?.isActive(on: m.t.registry.today) == false)
        }
        // The parcels joined the buyer's contract (L-14).
        let parcel = m.t.parcel(0, 1)
        #expect(try await m.t.reads.claim(on: parcel)?.right == m.t.contract(0, 3))

        // The audit replays the exchange's entries with the registry's and finds the same state.
        let scratch = try TemporaryDirectory("exchange-audit")
        let audit = try await Maintenance(
            store: m.t.store, catalog: ProductSchema.catalog, tables: ProductSchema.tables
        ).audit(
            scratchPath: scratch.file("replay.sqlite"), migrations: ProductSchema.migrations.sqlite,
            checkpointKey: m.t.keys.noteVerifier, on: m.t.registry.today)
        #expect(audit.finding == nil, "\(String(describing: audit.finding))")
    }

    @Test("share sale within the collective; the buyer's holding grows, the seller's shrinks")
    func shareSale() async throws {
        let m = try await Market()
        let share = try await m.share(0, 1)
        let listing = try await m.announce(
            ListingApplication(
                right: share.id, kind: .shareSale, price: 30_000, increment: 1_000, deposit: 0, shares: 1))
        // S-14: an outsider company may not hold shares under the default charter.
        let company = try await m.company()
        try await m.t.expectRefusal("rule.S-14") { _ = try await m.intent(listing, company) }
        let buyer = Holder.person(m.t.head(0, 2))
        _ = try await m.intent(listing, buyer)
        m.afterAnnouncement(listing)
        let deal = try await m.exchange.deal(try #require(try await m.exchange.close(listing.id, actor: m.desk).deal))
        let settled = try await m.settle(deal.id, reference: "流水-S", actor: m.desk)
        let bought = try await m.t.right(settled.resultingRight!)
        guard case .collectiveShare(let holding) = bought.detail,
            case .collectiveShare(let left) = try await m.t.right(share.id).detail
        else {
            Issue.record("expected share holdings")
            return
        }
        #expect(bought.holder == buyer && holding.shares == 4 && left.shares == 2)
    }

    @Test("withdrawal of contract land: co-holders consent, six months' notice, then the household is barred (L-10)")
    func contractLandWithdrawal() async throws {
        let m = try await Market()
        let right = m.t.contract(0, 1)
        try await m.t.expectRefusal("rule.L-10") {
            _ = try await m.exchange.applyWithdrawal(
                WithdrawalApplication(right: right, compensation: 900_000, noticeOn: Day("2026-11-20")!),
                by: .desk, actor: m.desk)
        }
        let applied = try await m.exchange.applyWithdrawal(
            WithdrawalApplication(
                right: right, compensation: 900_000, noticeOn: Day("2026-11-20")!,
                consents: [TestRegistry.consent(.coHolders, "全体家庭成员")]),
            by: .desk, actor: m.desk)
        try await m.t.expectRefusal("conflict.withdrawal") {
            _ = try await m.exchange.payWithdrawal(applied.id, reference: "x", actor: m.desk)
        }
        _ = try await m.exchange.approveWithdrawal(applied.id, approval: "村民代表会议决议-12", actor: m.desk)
        // L-10: the land goes back six months after the notice, not before.
        try await m.t.expectRefusal("rule.L-10") {
            _ = try await m.exchange.payWithdrawal(applied.id, reference: "付款-1", actor: m.desk)
        }
        m.t.clock.set("2027-05-20")
        let paid = try await m.exchange.payWithdrawal(applied.id, reference: "付款-1", actor: m.desk)
        #expect(paid.status == .paid)
        #expect(try await m.t.right(right).status(on: m.t.registry.today) == .cancelled)
        #expect(try await m.t.reads.household(m.t.household(0, 1))?.contractLandBarredUntil == Day("2057-12-31")!)
        // Barred: no contract land passes to it during the term.
        try await m.t.expectRefusal("rule.L-10") {
            try await m.t.act(
                m.t.contract(0, 2),
                .transfer(
                    Transfer(to: .household(m.t.household(0, 1)), consents: [TestRegistry.consent(.contractingParty)])))
        }
    }

    @Test("withdrawal of a homestead pays subsidy + residual value; giving up 资格权 bars a new homestead (H-9)")
    func homesteadWithdrawal() async throws {
        let m = try await Market()
        try await m.t.expectRefusal("rule.H-9") {
            _ = try await m.exchange.applyWithdrawal(
                WithdrawalApplication(
                    right: m.t.homestead(0, 1), subsidy: 2_000_000,
                    consents: [TestRegistry.consent(.coHolders, "全体家庭成员")]), by: .desk, actor: m.desk)
        }
        let applied = try await m.exchange.applyWithdrawal(
            WithdrawalApplication(
                right: m.t.homestead(0, 1), subsidy: 2_000_000, residualValue: 2_200_000, keepEligibility: false,
                consents: [TestRegistry.consent(.coHolders, "全体家庭成员")]), by: .desk, actor: m.desk)
        #expect(applied.compensation == 4_200_000)
        _ = try await m.exchange.approveWithdrawal(applied.id, approval: "集体决议", actor: m.desk)
        _ = try await m.exchange.payWithdrawal(applied.id, reference: "付款-2", actor: m.desk)
        #expect(try await m.t.right(m.t.homestead(0, 1)).status(on: m.t.registry.today) == .cancelled)
        #expect(try await m.t.reads.household(m.t.household(0, 1))?.homesteadEligibilityGivenUp != nil)
        try await m.t.expectRefusal("rule.H-9") {
            try await m.t.act(m.t.homestead(0, 2), .transfer(Transfer(to: .household(m.t.household(0, 1)))))
        }
    }

    @Test("share redemption stays within the charter's annual cap")
    func shareRedemption() async throws {
        let m = try await Market()
        // 8 households × 3 shares in village 0 = 12 shares; a 10% cap lets the collective redeem 1 a year.
        try await m.t.perform(.fileCharter(m.t.collective(0), ShareCharter(annualRedemptionCapBasisPoints: 1_000)))
        let share = try await m.share(0, 1)
        let consent = [TestRegistry.consent(.coHolders, "本人")]
        let two = try await m.exchange.applyWithdrawal(
            WithdrawalApplication(right: share.id, compensation: 60_000, shares: 2, consents: consent), by: .desk,
            actor: m.desk)
        _ = try await m.exchange.approveWithdrawal(two.id, approval: "决议", actor: m.desk)
        try await m.t.expectRefusal("rule.S-REDEEM") {
            _ = try await m.exchange.payWithdrawal(two.id, reference: "付款", actor: m.desk)
        }
        let one = try await m.exchange.applyWithdrawal(
            WithdrawalApplication(right: share.id, compensation: 30_000, shares: 1, consents: consent), by: .desk,
            actor: m.desk)
        _ = try await m.exchange.approveWithdrawal(one.id, approval: "决议", actor: m.desk)
        _ = try await m.exchange.payWithdrawal(one.id, reference: "付款", actor: m.desk)
        guard case .collectiveShare(let holding) = try await m.t.right(share.id).detail else {
            Issue.record("expected a share holding")
            return
        }
        #expect(holding.shares == 2)
    }
}
