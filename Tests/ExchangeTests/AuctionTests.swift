import Exchange
import Foundation
import RegistryTestSupport
import RightsRegistry
import Testing

/// The English auction against the bug classes other exchanges hit (anchors.md §4.4): tie
/// order, an extension that never triggers, bids judged against the original rather than the
/// effective end, refunds paid twice or never.
@Suite("Exchange: English auction")
struct AuctionTests {
    /// A lease listing with two outside bidders, at the opening of bidding.
    func auction(_ m: Market) async throws -> (Listing, Intent, Intent) {
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        let first = try await m.intent(listing, try await m.company(1))
        let second = try await m.intent(listing, try await m.company(2))
        m.biddingTime(listing, plusMinutes: 0)
        return (listing, first, second)
    }

    @Test("bids are the reserve plus whole increments above the leader; an equal bid is refused and the earlier leads")
    func increments() async throws {
        let m = try await Market()
        let (listing, first, second) = try await auction(m)
        try await m.t.expectRefusal("rule.E-6") { try await m.bid(listing, first, 99_000) }
        try await m.t.expectRefusal("rule.E-6") { try await m.bid(listing, first, 100_500) }
        try await m.bid(listing, first, 100_000)
        // Tie: the same amount later is not a higher bid; the earlier bid keeps the lead.
        try await m.t.expectRefusal("rule.E-6") { try await m.bid(listing, second, 100_000) }
        #expect(try await m.exchange.listing(listing.id).leadingBid?.intent == first.id)
        try await m.bid(listing, second, 101_000)
        #expect(try await m.exchange.listing(listing.id).leadingBid?.intent == second.id)
        // Before opening and for someone not registered: refused.
        let other = try await m.announce(m.lease(of: m.t.contract(0, 2)))
        try await m.t.expectRefusal("rule.E-6") {
            _ = try await m.exchange.bid(other.id, intent: first.id, amount: 100_000, by: .desk, actor: m.desk)
        }
        // Equal amounts in the log order by entry: the earlier leads.
        let tied = [
            Bid(entry: 9, intent: IntentID(entry: 2), amount: 5, at: "", phase: .free, round: nil),
            Bid(entry: 7, intent: IntentID(entry: 1), amount: 5, at: "", phase: .free, round: nil),
        ]
        #expect(Auction.leader(of: tied)?.intent == IntentID(entry: 1))
    }

    @Test("a bid in the last minutes extends the end so N minutes remain; outside the buffer it does not")
    func endExtension() async throws {
        let m = try await Market()
        let (listing, first, second) = try await auction(m)
        let scheduled = listing.auction!.ends
        // An hour in: far from the end, no extension.
        m.biddingTime(listing, plusMinutes: 60)
        #expect(try await m.bid(listing, first, 100_000).auction!.ends == scheduled)
        // Two minutes before the end: extended to five minutes after the bid.
        m.t.clock.set(scheduled.addingTimeInterval(-120))
        let extended = try await m.bid(listing, second, 101_000).auction!.ends
        #expect(extended == scheduled.addingTimeInterval(180))
        // After the scheduled end but before the effective end: still open (the effective end counts).
        m.t.clock.set(scheduled.addingTimeInterval(60))
        let again = try await m.bid(listing, first, 102_000).auction!.ends
        #expect(again == scheduled.addingTimeInterval(360))
        // At the effective end: closed, whatever the scheduled end was.
        m.t.clock.set(again)
        try await m.t.expectRefusal("rule.E-6") { try await m.bid(listing, second, 103_000) }
        // Closing before the effective end is refused; after it the best bid wins.
        m.t.clock.set(again.addingTimeInterval(-1))
        try await m.t.expectRefusal("rule.E-6") { _ = try await m.exchange.close(listing.id, actor: m.desk) }
        m.t.clock.set(again)
        let closed = try await m.exchange.close(listing.id, actor: m.desk)
        let deal = try await m.exchange.deal(try #require(closed.deal))
        #expect(deal.intent == first.id && deal.price == 102_000 && deal.basis == .auction)
    }

    @Test("the result recomputed from the log's bid entries equals the stored deal")
    func recomputeFromLog() async throws {
        let m = try await Market()
        let (listing, first, second) = try await auction(m)
        var amount: Int64 = 100_000
        for round in 0..<12 {
            m.biddingTime(listing, plusMinutes: Double(round * 10 + 1))
            try await m.bid(listing, round % 2 == 0 ? first : second, Fen(amount))
            amount += Int64(1_000 * (1 + round % 3))
        }
        m.biddingTime(listing, plusMinutes: 24 * 60)
        let deal = try await m.exchange.deal(try #require(try await m.exchange.close(listing.id, actor: m.desk).deal))

        // Anyone with the log: the bids for the listing, the highest amount, the earlier on ties.
        let entries = try await m.t.store.entries(0..<(try await m.t.store.size()))
        var best: (amount: Double, index: UInt64, intent: String)?
        for entry in entries where entry.kind == "bid" && entry.payload["listing"] == .string(listing.id.rawValue) {
            let amount = Double(entry.payload["amount_fen"]!.integerValue!)
            if best == nil || amount > best!.amount {
                best = (amount, entry.index, entry.payload["intent"]!.stringValue!)
            }
        }
        let registered = entries.first { $0.kind == "intent" && $0.payload["intent"]?["id"] == .string(best!.intent) }
        #expect(Fen(Int64(best!.amount)) == deal.price)
        #expect(registered?.payload["intent"]?["buyer"] == .string(deal.buyer.rawValue))
    }

    @Test("a member with the priority right matches the outsider's winning price and takes the deal (L-18)")
    func priorityMatch() async throws {
        let m = try await Market()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        let outsider = try await m.intent(listing, try await m.company())
        let member = try await m.intent(listing, .household(m.t.household(0, 2)), priority: .member)
        m.biddingTime(listing, plusMinutes: 1)
        try await m.bid(listing, member, 100_000)
        try await m.bid(listing, outsider, 110_000)
        m.biddingTime(listing, plusMinutes: 24 * 60)
        let matching = try await m.exchange.close(listing.id, actor: m.desk)
        #expect(matching.status == .matching && matching.matching?.price == 110_000)
        // The outsider cannot claim priority; the member matches.
        try await m.t.expectRefusal("rule.L-18") {
            _ = try await m.exchange.claimPriority(listing.id, intent: outsider.id, by: .desk, actor: m.desk)
        }
        let deal = try await m.matchAndClose(listing, [member])
        #expect(deal.buyer == .household(m.t.household(0, 2)) && deal.price == 110_000 && deal.basis == .priority)
        let settled = try await m.settle(deal.id, reference: "流水-2", actor: m.desk)
        let listingAfter = try await m.exchange.listing(listing.id)
        #expect(listingAfter.intent(outsider.id)?.depositStatus == .refundDue)
        #expect(try await m.t.right(settled.resultingRight!).holder == .household(m.t.household(0, 2)))
    }

    @Test("an unpaid winner forfeits its deposit; the next bidder gets the deal; each loser is refunded exactly once")
    func forfeitAndRefunds() async throws {
        let m = try await Market()
        let listing = try await m.announce(m.lease(of: m.t.contract(0, 1)))
        let a = try await m.intent(listing, try await m.company(1))
        let b = try await m.intent(listing, try await m.company(2))
        let c = try await m.intent(listing, try await m.company(3))
        m.biddingTime(listing, plusMinutes: 1)
        try await m.bid(listing, a, 100_000)
        try await m.bid(listing, b, 101_000)
        try await m.bid(listing, c, 102_000)
        try await m.bid(listing, b, 104_000)
        m.biddingTime(listing, plusMinutes: 24 * 60)
        let deal = try await m.exchange.deal(try #require(try await m.exchange.close(listing.id, actor: m.desk).deal))
        #expect(deal.intent == b.id)
        try await m.t.expectRefusal("rule.E-6") {
            _ = try await m.exchange.forfeit(deal.id, reason: .didNotPay, actor: m.desk)
        }
        for party in ContractParty.allCases {
            _ = try await m.exchange.sign(deal.id, as: party, by: .desk, actor: m.desk)
        }
        m.t.clock.set(deal.due.adding(days: 1).description)
        try await m.t.expectRefusal("rule.E-6") {
            _ = try await m.settle(deal.id, reference: "late", actor: m.desk)
        }
        let (forfeited, next) = try await m.exchange.forfeit(deal.id, reason: .didNotPay, actor: m.desk)
        #expect(forfeited.status == .forfeited)
        let second = try #require(next)
        #expect(second.intent == c.id && second.price == 102_000)
        // Forfeiting twice is refused; settling the next deal refunds a once; b stays forfeited.
        try await m.t.expectRefusal("conflict.deal") {
            _ = try await m.exchange.forfeit(deal.id, reason: .didNotPay, actor: m.desk)
        }
        _ = try await m.settle(second.id, reference: "流水-3", actor: m.desk)
        let after = try await m.exchange.listing(listing.id)
        #expect(after.intent(a.id)?.depositStatus == .refundDue)
        #expect(after.intent(b.id)?.depositStatus == .forfeited)
        #expect(after.intent(c.id)?.depositStatus == .applied)
        try await m.t.expectRefusal("conflict.deal") {
            _ = try await m.settle(second.id, reference: "again", actor: m.desk)
        }
        let settlements = try await m.t.store.entries(0..<(try await m.t.store.size())).filter {
            $0.kind == "deal-settlement"
        }
        #expect(settlements.count == 1 && settlements[0].payload["refunds"] == [.string(a.id.rawValue)])
    }
}
