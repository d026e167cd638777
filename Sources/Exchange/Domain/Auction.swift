public import Foundation
public import RightsRegistry

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

    /// Whether the server's clock is inside the bidding window. The effective end counts, never
    /// the scheduled one; the end itself is outside.
    public static func isOpen(_ window: AuctionWindow, at now: Date) -> Bool {
        window.opens <= now && now < window.ends
    }

    /// The effective end after a bid at `now`: if fewer than `extensionMinutes` remain, the end
    /// moves so that exactly that many remain.
    public static func end(of window: AuctionWindow, afterBidAt now: Date) -> Date {
        max(window.ends, now.addingTimeInterval(TimeInterval(window.extensionMinutes * 60)))
    }

    /// Each bidder's best bid, best first (ties: earlier first) — the order in which the listing
    /// falls to the next bidder when a winner forfeits.
    public static func ranking(of bids: [Bid]) -> [Bid] {
        var best: [String: Bid] = [:]
        for bid in bids {
            if let current = best[bid.intent], leader(of: [current, bid]) == current { continue }
            best[bid.intent] = bid
        }
        return best.values.sorted { a, b in a.amount != b.amount ? a.amount > b.amount : a.entry < b.entry }
    }
}
