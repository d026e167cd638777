public import RightsRegistry

/// A listing applied for (E-1), kind `listing`. Its ID is `L` and the entry's index.
public struct ListingSubmitted: RegistryEvent {
    public static let kind = "listing"
    public static let version = 1

    public var listing: Listing

    public init(listing: Listing) { self.listing = listing }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing.id)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws { state.put(listing) }
}

/// The operator's review (E-2): approved listings are announced (E-3) with their bidding window.
public struct ListingReviewed: RegistryEvent {
    public static let kind = "listing-review"
    public static let version = 1

    public var listing: String
    public var approved: Bool
    public var reason: String?
    public var announcement: Term?
    public var auction: AuctionWindow?

    public init(listing: String, approved: Bool, reason: String?, announcement: Term?, auction: AuctionWindow?) {
        self.listing = listing
        self.approved = approved
        self.reason = reason
        self.announcement = announcement
        self.auction = auction
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing)
        record.status = approved ? .announced : .rejected
        record.note = reason
        record.announcement = announcement
        record.auction = auction
        state.put(record)
    }
}

/// A buyer registered with its deposit (E-4), kind `intent`.
public struct IntentRegistered: RegistryEvent {
    public static let kind = "intent"
    public static let version = 1

    public var listing: String
    public var intent: Intent

    public init(listing: String, intent: Intent) {
        self.listing = listing
        self.intent = intent
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing)
        record.intents.append(intent)
        state.put(record)
    }
}

/// A bid (E-6), kind `bid`. Every bid is an entry, so the result can be recomputed from the log.
public struct BidPlaced: RegistryEvent {
    public static let kind = "bid"
    public static let version = 1

    public var listing: String
    public var intent: String
    public var amount: Fen
    /// The server's clock when the bid was taken, and the effective end after it.
    public var at: String
    public var endsAt: String

    public init(listing: String, intent: String, amount: Fen, at: String, endsAt: String) {
        self.listing = listing
        self.intent = intent
        self.amount = amount
        self.at = at
        self.endsAt = endsAt
    }

    enum CodingKeys: String, CodingKey {
        case listing, intent, at
        case amount = "amount_fen"
        case endsAt = "ends_at"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing)
        record.bids.append(Bid(entry: entry.index, intent: intent, amount: amount, at: at))
        record.status = .auction
        record.auction?.endsAt = endsAt
        state.put(record)
    }
}

/// What closing a listing came to (E-5).
public enum CloseOutcome: String, Sendable, Hashable, Codable {
    case deal
    /// Priority holders may now match the best price (L-18).
    case matching
    /// 流拍.
    case failed
}

/// A listing closed after its announcement, auction or matching period, kind `listing-close`.
/// A deal waits for payment; a failure refunds every deposit still held.
public struct ListingClosed: RegistryEvent {
    public static let kind = "listing-close"
    public static let version = 1

    public var listing: String
    public var outcome: CloseOutcome
    public var deal: Deal?
    public var matching: PriorityMatching?
    public var refunds: [String]
    public var reason: String?

    public init(
        listing: String, outcome: CloseOutcome, deal: Deal? = nil, matching: PriorityMatching? = nil,
        refunds: [String] = [], reason: String? = nil
    ) {
        self.listing = listing
        self.outcome = outcome
        self.deal = deal
        self.matching = matching
        self.refunds = refunds
        self.reason = reason
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing)] + (deal.map { [Deal.key($0.id)] } ?? [])
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing)
        switch outcome {
        case .deal:
            record.status = .awaitingPayment
            record.deal = deal?.id
        case .matching:
            record.status = .matching
            record.matching = matching
        case .failed:
            record.status = .failed
            record.note = reason
        }
        record.setDeposits(of: refunds, to: .refunded)
        state.put(record)
        if let deal { state.put(deal) }
    }
}

/// A priority holder matched the best price and takes the deal (L-17(5), L-18, FLM-10), kind
/// `priority-match`.
public struct PriorityMatched: RegistryEvent {
    public static let kind = "priority-match"
    public static let version = 1

    public var listing: String
    public var deal: Deal

    public init(listing: String, deal: Deal) {
        self.listing = listing
        self.deal = deal
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing), Deal.key(deal.id)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing)
        record.status = .awaitingPayment
        record.deal = deal.id
        state.put(record)
        state.put(deal)
    }
}

extension Listing {
    mutating func setDeposits(of intents: [String], to status: DepositStatus) {
        for index in self.intents.indices where intents.contains(self.intents[index].id) {
            self.intents[index].depositStatus = status
        }
    }
}
