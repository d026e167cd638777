public import Foundation
public import RightsRegistry

/// E-6: the two phases of online bidding.
public enum AuctionPhase: String, Sendable, Hashable, Codable, CaseIterable {
    /// 自由竞价: a fixed period; bids move no deadline.
    case free
    /// 限时竞价: rounds of a fixed countdown; a bid starts a new round; a round without a bid ends it.
    case timed
}

/// When bidding runs: the free phase from `opensAt` to `freeEndsAt`, then timed rounds of
/// `roundMinutes`. `endsAt` is the effective end — the end of the current round — and `round`
/// the number of the current timed round (1 when the timed phase begins).
public struct AuctionSchedule: Hashable, Sendable, Codable {
    public var opensAt: String
    public var freeEndsAt: String
    public var roundMinutes: Int
    public var endsAt: String
    public var round: Int

    public init(opens: Date, rules: ExchangeRules, in zone: RegistryTimeZone) {
        let freeEnds = opens.addingTimeInterval(Double(rules.freeBiddingMinutes * 60))
        opensAt = zone.timestamp(of: opens)
        freeEndsAt = zone.timestamp(of: freeEnds)
        roundMinutes = rules.timedRoundMinutes
        endsAt = zone.timestamp(of: freeEnds.addingTimeInterval(Double(rules.timedRoundMinutes * 60)))
        round = 1
    }

    /// The instants; the strings are the exchange's own RFC 3339 timestamps, and one that does
    /// not parse (a row edited by hand) counts as the epoch rather than stopping the process.
    public var opens: Date { Self.instant(opensAt) }
    public var freeEnds: Date { Self.instant(freeEndsAt) }
    public var ends: Date { Self.instant(endsAt) }

    static func instant(_ text: String) -> Date { RegistryTimeZone.instant(text) ?? Date(timeIntervalSince1970: 0) }

    /// The phase at `now`, or nil before the opening and after the end. The end itself is out.
    public func phase(at now: Date) -> AuctionPhase? {
        guard opens <= now, now < ends else { return nil }
        return now < freeEnds ? .free : .timed
    }

    /// The schedule after a bid at `now`: a timed-phase bid starts a new round that runs a full
    /// countdown from the bid; a free-phase bid changes nothing.
    public func afterBid(at now: Date, in zone: RegistryTimeZone) -> AuctionSchedule {
        guard phase(at: now) == .timed else { return self }
        var next = self
        next.round += 1
        next.endsAt = zone.timestamp(of: now.addingTimeInterval(Double(roundMinutes * 60)))
        return next
    }

    /// The schedule moved `days` later (a suspension's length, on resumption).
    public func shifted(byDays days: Int, in zone: RegistryTimeZone) -> AuctionSchedule {
        var moved = self
        let seconds = Double(days * 86_400)
        moved.opensAt = zone.timestamp(of: opens.addingTimeInterval(seconds))
        moved.freeEndsAt = zone.timestamp(of: freeEnds.addingTimeInterval(seconds))
        moved.endsAt = zone.timestamp(of: ends.addingTimeInterval(seconds))
        return moved
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        opensAt = try container.decode(String.self, forKey: .opensAt)
        endsAt = try container.decode(String.self, forKey: .endsAt)
        if let freeEndsAt = try container.decodeIfPresent(String.self, forKey: .freeEndsAt) {
            self.freeEndsAt = freeEndsAt
            roundMinutes = try container.decode(Int.self, forKey: .roundMinutes)
            round = try container.decode(Int.self, forKey: .round)
        } else {
            // A window logged before the two phases: one window whose last minutes extend — the
            // free phase up to the last `extension_minutes`, then one timed round.
            roundMinutes = try container.decode(Int.self, forKey: .extensionMinutes)
            freeEndsAt = RegistryTimeZone.shanghai.timestamp(
                of: Self.instant(endsAt).addingTimeInterval(-Double(roundMinutes * 60)))
            round = 1
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(opensAt, forKey: .opensAt)
        try container.encode(freeEndsAt, forKey: .freeEndsAt)
        try container.encode(roundMinutes, forKey: .roundMinutes)
        try container.encode(endsAt, forKey: .endsAt)
        try container.encode(round, forKey: .round)
    }

    enum CodingKeys: String, CodingKey {
        case round
        case opensAt = "opens_at"
        case freeEndsAt = "free_ends_at"
        case roundMinutes = "round_minutes"
        case endsAt = "ends_at"
        case extensionMinutes = "extension_minutes"
    }
}

/// The English auction's rules (E-6), as pure functions of the listing and the server's clock,
/// so that the exchange applies them and anyone can re-apply them to the logged bids.
public enum Auction {
    /// The highest bid; between equal amounts the earlier one (lower log index) leads.
    public static func leader(of bids: [Bid]) -> Bid? {
        bids.min { a, b in a.amount != b.amount ? a.amount > b.amount : a.entry < b.entry }
    }

    /// Why `amount` is not a valid next bid, or nil when it is: the first bid is at least the
    /// reserve; every later one at least one increment above the leading bid; and every bid is
    /// the reserve plus a whole number of increments.
    public static func refusal(of amount: Fen, in listing: Listing) -> String? {
        let over = amount.value - listing.price.value
        guard over >= 0, over % listing.increment.value == 0 else {
            return "bids are the reserve \(listing.price) plus whole increments of \(listing.increment)"
        }
        if let leader = listing.leadingBid, amount.value < leader.amount.value + listing.increment.value {
            return
                "the leading bid is \(leader.amount); the next bid is at least \(Fen(leader.amount.value + listing.increment.value))"
        }
        return nil
    }

    /// Each bidder's best bid, best first (ties: earlier first) — the order in which the listing
    /// falls to the next bidder when a winner forfeits.
    public static func ranking(of bids: [Bid]) -> [Bid] {
        var best: [IntentID: Bid] = [:]
        for bid in bids {
            if let current = best[bid.intent], leader(of: [current, bid]) == current { continue }
            best[bid.intent] = bid
        }
        return best.values.sorted { a, b in a.amount != b.amount ? a.amount > b.amount : a.entry < b.entry }
    }
}
