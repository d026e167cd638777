import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

/// The hand-written canonical JSON of what a settlement writes — listings, deals, the settlement
/// entry — is byte for byte what their `Codable` conformances give through both general encoders.
@Suite("Canonical exchange documents")
struct CanonicalExchangeTests {
    @Test("listings, deals and settlements as a lease's procedure leaves them")
    func settledLeaseAsCodable() async throws {
        let market = try await Market()
        let listing = try await market.announce(market.lease(of: market.t.contract(0, 1)))
        _ = try await market.intent(listing, try await market.company())
        market.afterAnnouncement(listing)
        let deal = try #require(try await market.exchange.close(listing.id, actor: market.desk).deal)
        let settled = try await market.settle(deal, reference: "回单-1", actor: market.desk)
        #expect(settled.status == .settled && settled.payouts != nil && settled.contract != nil)
        try expectWrittenAsCodable(settled, seed: 0)
        let closed = try await market.exchange.listing(listing.id)
        #expect(closed.rules != nil && closed.lease != nil && !closed.intents.isEmpty)
        try expectWrittenAsCodable(closed, seed: 0)
    }

    @Test(
        "listings, deals and settlements of every kind, their optional members present or not, strings needing escapes"
    )
    func variedAsCodable() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = Variations(state: seed)
        let t = try await TestRegistry()
        let day = Day("2026-12-01")!
        let leaseTerm = try Term(start: day, end: day.adding(years: 5))
        let announcement = try Term(start: day, end: day.adding(days: 7))
        func some<T>(_ value: @autoclosure () throws -> T) rethrows -> T? { random.present() ? try value() : nil }
        func fen() -> Fen { Fen(Int64.random(in: 0...1_000_000_000_000_000, using: &random)) }
        func index() -> UInt64 { UInt64.random(in: 0...UInt64.max, using: &random) }
        func count() -> Int { Int.random(in: -1_000...1_000_000, using: &random) }
        func holder() -> Holder {
            [Holder.household(t.household(0, 1)), .person(t.head(0, 2)), .collective(t.collective(0))]
                .randomElement(using: &random)!
        }
        func intentID() -> IntentID { IntentID(entry: index()) }
        for _ in 0..<200 {
            let kind = ListingKind.allCases.randomElement(using: &random)!
            let application = ListingApplication(
                right: t.contract(0, Int.random(in: 1...3, using: &random)), kind: kind, price: fen(),
                increment: fen(), deposit: fen(),
                lease: some(LeaseOffer(term: leaseTerm, use: random.text())),
                shares: some(count()),
                consents: (0..<Int.random(in: 0...2, using: &random)).map { _ in
                    Consent(party: .contractHolder, by: random.text(), document: random.text(), on: day)
                },
                filing: some(
                    Filing(
                        matter: random.text(), filedWith: "发包方", document: random.text(), on: day, entry: some(index()))
                ),
                collectiveDecision: some(
                    CollectiveDecision(votesFor: 7, votesCast: 9, townshipApproval: random.text())),
                default: some(DefaultStatement(since: day, amount: fen(), notice: random.text())))
            var rules = ExchangeRules()
            rules.exchangeName = random.text()
            rules.minimumDeposit = fen()
            rules.priorityBackups = count()
            var listing = Listing(
                id: ListingID(entry: index()),
                terms: ListingTerms(
                    application, seller: holder(), submittedBy: random.text(),
                    mortgage: some(EncumbranceID(entry: index()))),
                rules: some(rules), attempt: count(), previous: some(ListingID(entry: index())))
            listing.next = some(ListingID(entry: index()))
            listing.status = ListingStatus.allCases.randomElement(using: &random)!
            listing.announcement = some(announcement)
            listing.auction = some(
                AuctionSchedule(opens: Date(timeIntervalSince1970: 1.8e9), rules: rules, in: .shanghai))
            listing.intents = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                var intent = Intent(
                    id: intentID(), buyer: holder(), deposit: fen(), priority: some(.member),
                    priorityRefused: some(random.text()), capacity: some(random.text()), offer: some(fen()))
                intent.depositStatus = DepositStatus.allCases.randomElement(using: &random)!
                intent.refund = some(Refund(due: day, paidOn: some(day), reference: some(random.text())))
                intent.forfeit = some(ForfeitReason.allCases.randomElement(using: &random)!)
                return intent
            }
            listing.bids = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                Bid(
                    entry: index(), intent: intentID(), amount: fen(), at: random.text(),
                    phase: some(AuctionPhase.allCases.randomElement(using: &random)!), round: some(count()))
            }
            listing.matching = some(
                PriorityMatching(price: fen(), leader: intentID(), until: day, claims: [intentID()]))
            listing.lot = some(
                PriorityLot(
                    listing: listing.id, treeSize: index(), root: TreeHash(bytes: [UInt8](repeating: 7, count: 32))!,
                    claimants: [intentID(), intentID()]))
            listing.successors = (0..<Int.random(in: 0...2, using: &random)).map { _ in
                Successor(intent: intentID(), price: fen(), basis: random.present() ? .auction : .priority)
            }
            listing.suspension = some(
                Suspension(since: day, cause: .seizure, reason: random.text(), resumes: .announced))
            listing.deal = some(DealID(entry: index()))
            listing.note = some(random.text())
            try expectWrittenAsCodable(listing, seed: seed)

            let buyer = Intent(
                id: intentID(), buyer: holder(), deposit: fen(), priority: nil, capacity: nil, offer: nil)
            var deal = Deal(
                id: DealID(entry: index()), listing: listing, intent: buyer, price: fen(),
                basis: random.present() ? .negotiated : .auction, due: day,
                contract: DealContract(title: random.text(), clauses: [random.text(), random.text()]))
            deal.contract = some(deal.contract!)
            deal.deposit = some(fen())
            deal.status = DealStatus.allCases.randomElement(using: &random)!
            deal.signatures = some(Array(ContractParty.allCases.prefix(Int.random(in: 0...2, using: &random))))
            deal.forfeit = some(.didNotPay)
            deal.disposition = some(ForfeitDisposition(deposit: fen(), feePercent: 10))
            deal.registryEntry = some(index())
            deal.resultingRight = some(t.contract(0, 2))
            deal.settlementEntry = some(index())
            let payouts = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                Payout(to: random.text(), mortgage: some(EncumbranceID(entry: index())), amount: fen())
            }
            deal.payouts = some(payouts)
            try expectWrittenAsCodable(deal, seed: seed)

            let attestation = JSONValue.object([
                "statement": .string(random.text()),
                random.text(): .array([.number(1), .number(2.5), .null, .bool(true)]),
                "nested": .object(["fen": .number(Double(fen().value))]),
            ])
            var settlement = DealSettled(
                deal: deal.id, listing: listing.id, payment: random.text(), registryEntry: index(),
                resultingRight: t.contract(0, 3), refunds: [intentID(), intentID()].filter { _ in random.present() },
                refundsDue: day, payouts: payouts, attestation: attestation)
            settlement.refundsDue = some(day)
            try expectWrittenAsCodable(settlement, seed: seed)
        }
    }
}
