import Foundation
import RightsRegistry

// The auction (E-5, E-6) and the priority right (L-17(5), L-18, FLM-10): bids in the free and
// the timed phase, the close, priority holders matching the best price, and the lot.
extension ExchangeDecider {
    func bid(_ id: ListingID, intent intentID: IntentID, amount: Fen, by applicant: Applicant) async throws
        -> BidPlaced
    {
        let listing = try await reads.listing(id)
        guard let intent = listing.intent(intentID) else {
            throw RegistryError.rule("E-6", "only registered buyers with a deposit bid", field: "intent")
        }
        try await requireMandate(applicant, for: intent.buyer, matter: .purchase)
        try requireRunning(listing)
        guard listing.status == .announced || listing.status == .auction, let schedule = listing.auction else {
            throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not open for bids")
        }
        guard intent.depositStatus == .held else {
            throw RegistryError.rule("E-6", "only registered buyers with a deposit bid", field: "intent")
        }
        guard listing.activeIntents.count >= 2 else {
            throw RegistryError.rule("E-5", "with one qualified buyer the deal is negotiated, not auctioned")
        }
        let now = registrar.now
        guard let phase = schedule.phase(at: now) else {
            throw RegistryError.rule(
                "E-6",
                now < schedule.opens ? "bidding opens at \(schedule.opensAt)" : "bidding ended at \(schedule.endsAt)")
        }
        if let refusal = Auction.refusal(of: amount, in: listing) {
            throw RegistryError.rule("E-6", refusal, field: "amount_fen")
        }
        let after = schedule.afterBid(at: now, in: zone)
        return BidPlaced(
            listing: id, intent: intentID, amount: amount, at: zone.timestamp(of: now), endsAt: after.endsAt,
            phase: phase, round: phase == .timed ? after.round : nil)
    }

    /// After the announcement (one buyer: a negotiated deal; none: 流拍), after the auction (the
    /// best bid, unless a priority holder may still match it), or after the matching period
    /// (the highest-ranked claimant, by lot among equals).
    func close(_ id: ListingID) async throws -> [any RegistryEvent] {
        let listing = try await reads.listing(id)
        try requireRunning(listing)
        switch listing.status {
        case .announced:
            guard let announcement = listing.announcement, today > announcement.end else {
                throw RegistryError.rule(
                    "E-5", "the announcement runs until \(listing.announcement?.end.description ?? "?")")
            }
            let intents = listing.activeIntents
            if intents.isEmpty { return try await failure(of: listing, "no qualified buyer registered (流拍)") }
            if intents.count == 1 {
                let deal = try await makeDeal(listing, intents[0], intents[0].offer ?? listing.price, .negotiated)
                return [ListingClosed(listing: id, outcome: .deal, deal: deal)]
            }
            return try await closeAuction(listing)
        case .auction:
            return try await closeAuction(listing)
        case .matching:
            return [try await closeMatching(listing)]
        case .submitted, .rejected, .awaitingPayment, .settled, .failed, .suspended, .terminated:
            throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue); there is nothing to close")
        }
    }

    func closeAuction(_ listing: Listing) async throws -> [any RegistryEvent] {
        guard let schedule = listing.auction, registrar.now >= schedule.ends else {
            throw RegistryError.rule("E-6", "bidding runs until \(listing.auction?.endsAt ?? "?")")
        }
        guard let best = listing.leadingBid, let winner = listing.intent(best.intent) else {
            return try await failure(of: listing, "no bid (流拍)")
        }
        if !Self.outranking(winner, in: listing).isEmpty {
            let until = calendar.adding(workingDays: listing.procedure.priorityMatchWorkingDays, to: today)
            return [
                ListingClosed(
                    listing: listing.id, outcome: .matching,
                    matching: PriorityMatching(price: best.amount, leader: winner.id, until: until))
            ]
        }
        return [
            ListingClosed(
                listing: listing.id, outcome: .deal, deal: try await makeDeal(listing, winner, best.amount, .auction),
                successors: Self.bidders(listing, after: [winner.id]))
        ]
    }

    /// L-18: when the period ends, the claimants of the highest rank take the deal at the best
    /// price — one alone, or several by the lot drawn from the log's tree head now, its next
    /// places kept as back-ups — and with no claim the best bidder does.
    func closeMatching(_ listing: Listing) async throws -> ListingClosed {
        guard let matching = listing.matching, today > matching.until, let leader = listing.intent(matching.leader)
        else {
            throw RegistryError.rule(
                "L-18", "priority holders may match until \(listing.matching?.until.description ?? "?")")
        }
        let claimants = matching.claims.compactMap(listing.intent).filter { $0.depositStatus == .held }
        guard let rank = claimants.compactMap({ $0.priority?.rank }).max() else {
            return ListingClosed(
                listing: listing.id, outcome: .deal,
                deal: try await makeDeal(listing, leader, matching.price, .auction),
                successors: Self.bidders(listing, after: [leader.id]))
        }
        let first = claimants.filter { $0.priority?.rank == rank }.map(\.id)
        var lot: PriorityLot?
        var order = first
        if first.count > 1 {
            guard let head = treeHead else {
                throw RegistryError.unavailable("the lot is drawn from the log's tree head, which could not be read")
            }
            let drawn = PriorityLot(listing: listing.id, treeSize: head.size, root: head.root, claimants: first)
            lot = drawn
            order = drawn.order
        }
        guard let winner = listing.intent(order[0]) else {
            throw RegistryError(code: "integrity.listing", message: "\(order[0]) is not an intent of \(listing.id)")
        }
        let backups = order.dropFirst().prefix(listing.procedure.priorityBackups)
            .map { Successor(intent: $0, price: matching.price, basis: .priority) }
        return ListingClosed(
            listing: listing.id, outcome: .deal, deal: try await makeDeal(listing, winner, matching.price, .priority),
            lot: lot, successors: backups + Self.bidders(listing, after: [winner.id] + backups.map(\.intent)))
    }

    /// 流拍: every deposit still held is released, and the listing is listed again if its rules allow.
    func failure(of listing: Listing, _ reason: String) async throws -> [any RegistryEvent] {
        let closed = ListingClosed(
            listing: listing.id, outcome: .failed, refunds: listing.activeIntents.map(\.id),
            refundsDue: refundsDue(listing), reason: reason)
        return [closed] + (try await relisting(of: listing))
    }

    /// The other bidders by their best bids, best first: who the deal falls to after a forfeit.
    static func bidders(_ listing: Listing, after excluded: [IntentID]) -> [Successor] {
        Auction.ranking(of: listing.bids)
            .filter { bid in !excluded.contains(bid.intent) && listing.intent(bid.intent)?.depositStatus == .held }
            .map { Successor(intent: $0.intent, price: $0.amount, basis: .auction) }
    }

    /// The registered buyers whose priority outranks `winner`'s: the previous lessee first
    /// (FLM-10), then members (L-18), then everyone else.
    static func outranking(_ winner: Intent, in listing: Listing) -> [Intent] {
        let rank = winner.priority?.rank ?? 0
        return listing.activeIntents.filter { $0.id != winner.id && ($0.priority?.rank ?? 0) > rank }
    }

    /// L-18: a priority holder matches the best price within the period; who takes the deal is
    /// decided when the period ends.
    func claimPriority(_ id: ListingID, intent intentID: IntentID, by applicant: Applicant) async throws
        -> PriorityClaimed
    {
        let listing = try await reads.listing(id)
        if let claimed = listing.intent(intentID) {
            try await requireMandate(applicant, for: claimed.buyer, matter: .purchase)
        }
        try requireRunning(listing)
        guard listing.status == .matching, let matching = listing.matching, let leader = listing.intent(matching.leader)
        else {
            throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not open to matching")
        }
        guard today <= matching.until else {
            throw RegistryError.rule("L-18", "the period to claim the priority right ended on \(matching.until)")
        }
        guard Self.outranking(leader, in: listing).contains(where: { $0.id == intentID }) else {
            throw RegistryError.rule(
                "L-18", "\(intentID) holds no priority right that outranks the best bidder's", field: "intent")
        }
        guard !matching.claims.contains(intentID) else {
            throw RegistryError.conflict("intent", "\(intentID) has already matched the price")
        }
        return PriorityClaimed(listing: id, intent: intentID)
    }

    /// A deal (E-7) with its contract drawn from the register's current record of the right.
    func makeDeal(_ listing: Listing, _ intent: Intent, _ price: Fen, _ basis: DealBasis) async throws -> Deal {
        let id = DealID(entry: registrar.nextIndex)
        let right = try await requireCurrent(listing.right)
        let contract = DealContract.draft(
            id, listing: listing, right: right, buyer: intent.buyer, price: price,
            exchangeName: listing.procedure.exchangeName)
        return Deal(
            id: id, listing: listing, intent: intent, price: price, basis: basis,
            due: calendar.adding(workingDays: listing.procedure.paymentWorkingDays, to: today), contract: contract)
    }
}
