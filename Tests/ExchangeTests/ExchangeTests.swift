import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

@Suite("Exchange: listings, deals, settlement")
struct ExchangeTests {
    @Test("a lease with one buyer: negotiated deal, payment → a 土地经营权 with its rent schedule, the attestation verifies")
    func negotiatedLease() async throws {
        let m = try await Market()
        let buyer = try await m.company()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        #expect(listing.status == .announced)
        #expect(listing.announcement!.end == Day("2026-12-01")!, "7 working days from Friday 2026-11-20")
        let intent = try await m.intent(listing, buyer, offer: 120_000)
        m.afterAnnouncement(listing)
        let closed = try await m.exchange.close(listing.id, actor: m.desk)
        #expect(closed.status == .awaitingPayment)
        let deal = try await m.exchange.deal(try #require(closed.deal))
        #expect(deal.price == 120_000 && deal.basis == .negotiated && deal.buyer == buyer)
        #expect(deal.due == Day("2026-12-07")!, "3 working days from Wednesday 2026-12-02")

        let settled = try await m.settle(deal.id, reference: "银行流水-001", actor: m.desk)
        #expect(settled.status == .settled)
        let lease = try await m.t.right(try #require(settled.resultingRight))
        #expect(lease.holder == buyer && lease.term == Market.leaseTerm)
        guard case .landManagement(let detail) = lease.detail else {
            Issue.record("expected a 土地经营权")
            return
        }
        #expect(detail.parent == m.t.contract(0, 1))
        #expect(detail.rent?.annual == 120_000 && detail.rent?.schedule.count == 10)
        #expect(try await m.exchange.listing(listing.id).intent(intent.id)?.depositStatus == .applied)

        // The registry act and the settlement are consecutive entries of one append.
        let entries = try await m.t.store.entries(settled.registryEntry!..<(settled.settlementEntry! + 1))
        #expect(entries.map(\.kind) == ["registration", "deal-settlement"])

        let export = try await m.exchange.attestation(deal.id, withProof: true)
        let verifier = CertificateVerifier(
            certificateKeys: m.t.keys.certificateKeys.map(\.publicKey), checkpointKey: m.t.keys.noteVerifier)
        let result = verifier.verify(export)
        #expect(result.valid, "\(result.checks)")
        #expect(result.payload["price_fen"] == 120_000 && result.payload["buyer"] == .string(buyer.rawValue))

        // A certificate whose statement differs from the entry it cites fails the binding check.
        let forged = try JWS.sign(
            payload: .object(result.payload.objectValue!.merging(["price_fen": 1]) { $1 }),
            type: ExchangeService.attestationType, with: m.t.keys.currentCertificateKey)
        let checked = verifier.verify(CertificateExport(jws: forged, proof: export.proof))
        #expect(checked.firstFailure?.name == "payload matches entry")
    }

    @Test(
        "leases over time: early termination only by the contract holder (L-22); expiry; the lessee's renewal right (FLM-10)"
    )
    func leaseOverTime() async throws {
        let m = try await Market()
        let buyer = try await m.company()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        _ = try await m.intent(listing, buyer)
        m.afterAnnouncement(listing)
        let deal = try #require(try await m.exchange.close(listing.id, actor: m.desk).deal)
        let lease = try #require(
            try await m.settle(deal, reference: "r", actor: m.desk).resultingRight)
        try await m.t.expectRefusal("rule.L-22") {
            try await m.t.act(
                lease,
                .termination(LeaseTermination(ground: .abandoned, by: .household(m.t.household(0, 2)), document: "通知")))
        }
        // At the end of its term the lease has expired, without any act.
        m.t.clock.set("2037-01-04")
        #expect(try await m.t.right(lease).status(on: m.t.registry.today) == .expired)
        // Relisted: the previous lessee registers with its renewal right, which outranks a member's.
        var again = m.lease(of: m.t.contract(0, 1))
        again.lease = LeaseOffer(term: try Term(start: Day("2037-03-01")!, end: Day("2046-12-31")!), use: "粮食种植")
        let relisted = try await m.announce(again)
        let renewal = try await m.intent(relisted, buyer, priority: .renewal)
        let member = try await m.intent(relisted, .household(m.t.household(0, 2)), priority: .member)
        #expect(renewal.priority == .renewal && member.priority == .member)
        m.biddingTime(relisted, plusMinutes: 1)
        try await m.bid(relisted, member, 110_000)
        m.biddingTime(relisted, plusMinutes: 24 * 60)
        let matching = try await m.exchange.close(relisted.id, actor: m.desk)
        #expect(matching.status == .matching)
        let renewed = try await m.matchAndClose(relisted, [renewal])
        #expect(renewed.buyer == buyer && renewed.price == 110_000)
    }

    @Test("no qualified buyer: 流拍; a buyer after the announcement is refused (E-4)")
    func failedListing() async throws {
        let m = try await Market()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        m.afterAnnouncement(listing)
        let buyer = try await m.company()
        try await m.t.expectRefusal("rule.E-4") { _ = try await m.intent(listing, buyer) }
        #expect(try await m.exchange.close(listing.id, actor: m.desk).status == .failed)
    }

    @Test("refusals name their rule and write nothing")
    func refusals() async throws {
        let m = try await Market()
        let company = try await m.company()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        // E-4: the deposit is the listing's.
        try await m.t.expectRefusal("rule.E-4") {
            _ = try await m.exchange.registerIntent(
                listing.id, IntentApplication(buyer: company, deposit: 1, capacity: "合作社"), by: .desk, actor: m.desk)
        }
        // L-17(4): a lessee shows agricultural operating ability.
        try await m.t.expectRefusal("rule.L-17") {
            _ = try await m.exchange.registerIntent(
                listing.id, IntentApplication(buyer: company, deposit: listing.deposit), by: .desk, actor: m.desk)
        }
        // L-18: an outsider has no members' priority right; FLM-10: nor a renewal right without an
        // ended lease of this land. Each is registered as an ordinary bidder, the refusal noted.
        let outsider = try await m.intent(listing, company, priority: .member)
        #expect(outsider.priority == nil && outsider.priorityRefused?.hasPrefix("rule.L-18") == true)
        let renewal = try await m.intent(listing, try await m.company(2), priority: .renewal)
        #expect(renewal.priority == nil && renewal.priorityRefused?.hasPrefix("rule.FLM-10") == true)
        // E-5: closing waits for the end of the announcement.
        try await m.t.expectRefusal("rule.E-5") { _ = try await m.exchange.close(listing.id, actor: m.desk) }
        // E-1/FLM-8: an agent without the seller's mandate.
        try await m.t.expectRefusal("auth.mandate") {
            _ = try await m.exchange.submit(
                m.lease(of: m.t.contract(0, 2)), by: .agent(party: "91330424MA2B7777X0"), actor: "agent:x")
        }

        // L-14: contract land is sold only to a household of the same collective (the register's rule,
        // applied at registration of the intent).
        let transfer = try await m.announce(
            ListingApplication(
                right: m.t.contract(0, 2), kind: .transfer, price: 500_000, increment: 10_000, deposit: 20_000,
                consents: [TestRegistry.consent(.contractingParty)]))
        try await m.t.expectRefusal("rule.L-14") { _ = try await m.intent(transfer, .household(m.t.household(1, 1))) }

        // L-14 at review: the 发包方's consent; L-17(3): a lease ends within the contract's term.
        let unconsented = try await m.exchange.submit(
            ListingApplication(
                right: m.t.contract(0, 3), kind: .transfer, price: 500_000, increment: 10_000, deposit: 0),
            by: .desk, actor: m.desk)
        try await m.t.expectRefusal("rule.L-14") {
            _ = try await m.exchange.review(unconsented.id, approve: true, reason: nil, actor: m.desk)
        }
        _ = try await m.exchange.review(unconsented.id, approve: false, reason: "缺发包方同意", actor: m.desk)
        var tooLong = m.lease(of: m.t.contract(0, 3))
        tooLong.lease = LeaseOffer(term: try Term(start: Day("2027-01-01")!, end: Day("2060-12-31")!), use: "种植")
        let long = try await m.exchange.submit(tooLong, by: .desk, actor: m.desk)
        try await m.t.expectRefusal("rule.L-17") {
            _ = try await m.exchange.review(long.id, approve: true, reason: nil, actor: m.desk)
        }
        // SPC-15: a seized right is not announced.
        try await m.t.act(m.t.contract(0, 4), .seizure(court: "海盐县人民法院", caseNumber: "(2026)浙0424执1号"))
        let seized = try await m.exchange.submit(m.lease(of: m.t.contract(0, 4)), by: .desk, actor: m.desk)
        try await m.t.expectRefusal("rule.SPC-15") {
            _ = try await m.exchange.review(seized.id, approve: true, reason: nil, actor: m.desk)
        }
    }

    @Test("a lease of a mortgaged right needs the mortgagee's written consent (E-2)")
    func mortgagedListings() async throws {
        let m = try await Market()
        let bank = "91330424MA2B8888X1"
        try await m.t.act(
            m.t.contract(0, 1),
            .mortgage(
                MortgageApplication(
                    mortgagee: bank, amount: 300_000, term: Market.leaseTerm, contract: "抵押合同-1",
                    filing: TestRegistry.filing(), mortgagor: TestRegistry.mortgagor)))
        let lease = try await m.exchange.submit(m.lease(of: m.t.contract(0, 1)), by: .desk, actor: m.desk)
        try await m.t.expectRefusal("rule.E-2") {
            _ = try await m.exchange.review(lease.id, approve: true, reason: nil, actor: m.desk)
        }
        _ = try await m.exchange.review(lease.id, approve: false, reason: "缺抵押权人同意", actor: m.desk)
        let consented = try await m.announce(
            m.lease(
                of: m.t.contract(0, 1),
                consents: [Consent(party: .mortgagee, by: bank, document: "同意书", on: Day("2026-11-10")!)]))
        #expect(consented.status == .announced)
    }
}
