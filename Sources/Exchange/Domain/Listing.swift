public import Foundation
public import RightsRegistry

/// What a listing offers (E-1).
public enum ListingKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 土地经营权 流转 out of contract land (or 再流转 of a 土地经营权): term, annual rent, use.
    case lease
    /// The right itself passes: contract land within the collective (L-14), a homestead where a
    /// pilot allows it (H-12), a 土地经营权 onward (L-23).
    case transfer
    /// Collective shares (S-14, holding cap S-CAP).
    case shareSale = "share-sale"
    /// Started by a mortgagee bank on default; proceeds go to the mortgagees by rank (C-12).
    case foreclosureSale = "foreclosure-sale"

    /// What a seller's 委托书 must cover for an agent to list this kind.
    public var mandateMatter: MandateMatter {
        switch self {
        case .lease: .lease
        case .transfer: .transfer
        case .shareSale: .shareSale
        // A foreclosure is the mortgagee's own act; the holder's mandate for it is a mortgage's.
        case .foreclosureSale: .mortgage
        }
    }
}

/// Where a listing is in E-1…E-9.
public enum ListingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case submitted
    case rejected
    /// On the notice board, taking intents (E-3, E-4).
    case announced
    /// Bidding has started (E-6).
    case auction
    /// The auction is over; members with the priority right may match the best price (L-18).
    case matching
    case awaitingPayment = "awaiting-payment"
    case settled
    /// 流拍: no qualified buyer, no bid, or no one left after forfeits.
    case failed
}

/// The lease a `lease` listing offers; the price is the annual rent.
public struct LeaseOffer: Hashable, Sendable, Codable {
    public var term: Term
    public var use: String

    public init(term: Term, use: String) {
        self.term = term
        self.use = use
    }
}

/// L-25: a collective disposes of collective assets to outsiders only on a two-thirds vote of
/// the 村民会议 or 村民代表 and with the 乡镇's approval.
public struct CollectiveDecision: Hashable, Sendable, Codable {
    public var votesFor: Int
    public var votesCast: Int
    public var townshipApproval: String

    public init(votesFor: Int, votesCast: Int, townshipApproval: String) {
        self.votesFor = votesFor
        self.votesCast = votesCast
        self.townshipApproval = townshipApproval
    }

    public var carried: Bool { votesCast > 0 && votesFor * 3 >= votesCast * 2 }

    enum CodingKeys: String, CodingKey {
        case votesFor = "votes_for"
        case votesCast = "votes_cast"
        case townshipApproval = "township_approval"
    }
}

/// The default a mortgagee states when it starts a foreclosure sale (民法典 410: the debtor did
/// not pay a debt due, or a ground the parties agreed on arose).
public struct DefaultStatement: Hashable, Sendable, Codable {
    /// The day the debt fell due unpaid.
    public var since: Day
    /// What is owed.
    public var amount: Fen
    /// The notice of default served on the mortgagor.
    public var notice: String

    public init(since: Day, amount: Fen, notice: String) {
        self.since = since
        self.amount = amount
        self.notice = notice
    }

    enum CodingKeys: String, CodingKey {
        case since, notice
        case amount = "amount_fen"
    }
}

/// Why a buyer may match the best price.
public enum PriorityClaim: String, Sendable, Hashable, Codable, CaseIterable {
    /// L-17(5), L-18: a member of the collective, under equal conditions.
    case member
    /// FLM-10: the previous lessee, at the end of its lease, on equal terms; it goes first.
    case renewal
}

/// What became of a buyer's 保证金.
public enum DepositStatus: String, Sendable, Hashable, Codable {
    case held
    case refunded
    /// Kept by the exchange: the winner did not pay in time (E-6).
    case forfeited
    /// Counted towards the price at settlement.
    case applied
}

/// A buyer's registration (意向登记, E-4) with its deposit.
public struct Intent: Hashable, Sendable, Codable {
    /// `I` and the index of the entry that registered it.
    public var id: String
    public var buyer: Holder
    public var deposit: Fen
    public var depositStatus: DepositStatus
    public var priority: PriorityClaim?
    /// L-17(4): the evidence of agricultural operating ability or qualification (leases).
    public var capacity: String?
    /// A single buyer's negotiated price (E-5), at least the listing price.
    public var offer: Fen?

    public init(
        id: String, buyer: Holder, deposit: Fen, priority: PriorityClaim?, capacity: String?, offer: Fen?
    ) {
        self.id = id
        self.buyer = buyer
        self.deposit = deposit
        depositStatus = .held
        self.priority = priority
        self.capacity = capacity
        self.offer = offer
    }

    enum CodingKeys: String, CodingKey {
        case id, buyer, priority, capacity
        case deposit = "deposit_fen"
        case depositStatus = "deposit_status"
        case offer = "offer_fen"
    }
}

/// A bid as logged: its entry index orders ties (E-6: a tie goes to the earlier bid).
public struct Bid: Hashable, Sendable, Codable {
    public var entry: UInt64
    public var intent: String
    public var amount: Fen
    /// The server's clock when the bid was taken.
    public var at: String

    public init(entry: UInt64, intent: String, amount: Fen, at: String) {
        self.entry = entry
        self.intent = intent
        self.amount = amount
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case entry, intent, at
        case amount = "amount_fen"
    }
}

/// When bidding runs. `endsAt` is the effective end: a bid in the last `extensionMinutes` moves
/// it so that many minutes remain (E-6).
public struct AuctionWindow: Hashable, Sendable, Codable {
    public var opensAt: String
    public var endsAt: String
    public var extensionMinutes: Int

    public init(opensAt: String, endsAt: String, extensionMinutes: Int) {
        self.opensAt = opensAt
        self.endsAt = endsAt
        self.extensionMinutes = extensionMinutes
    }

    /// The instants; the strings are the exchange's own RFC 3339 timestamps, and one that does
    /// not parse (a row edited by hand) counts as the epoch rather than stopping the process.
    public var opens: Date { RegistryTimeZone.instant(opensAt) ?? Date(timeIntervalSince1970: 0) }
    public var ends: Date { RegistryTimeZone.instant(endsAt) ?? Date(timeIntervalSince1970: 0) }

    enum CodingKeys: String, CodingKey {
        case opensAt = "opens_at"
        case endsAt = "ends_at"
        case extensionMinutes = "extension_minutes"
    }
}

/// After the auction: the best price, who offered it, and until when priority holders may match it.
public struct PriorityMatching: Hashable, Sendable, Codable {
    public var price: Fen
    public var leader: String
    public var until: Day

    public init(price: Fen, leader: String, until: Day) {
        self.price = price
        self.leader = leader
        self.until = until
    }

    enum CodingKeys: String, CodingKey {
        case leader, until
        case price = "price_fen"
    }
}

/// A right offered on the exchange, from application to settlement.
public struct Listing: Hashable, Sendable, Codable {
    /// `L` and the index of the entry that submitted it.
    public var id: String
    public var kind: ListingKind
    public var right: RightID
    public var seller: Holder
    /// Who applied: the exchange desk on the seller's application, an agent under mandate, a bank.
    public var submittedBy: String
    /// The reserve price (底价): the annual rent for a lease, the whole price otherwise.
    public var price: Fen
    /// Bids are whole multiples of this above the reserve (E-6).
    public var increment: Fen
    /// The 保证金 every buyer pays to register.
    public var deposit: Fen
    public var lease: LeaseOffer?
    /// Share sales: how many shares are offered.
    public var shares: Int?
    /// The written consents the sale rests on (发包方, contract holder, mortgagees …).
    public var consents: [Consent]
    /// The filing the sale needs: a lease with the 发包方 (L-16); a 再流转 with the collective (L-23).
    public var filing: Filing?
    public var collectiveDecision: CollectiveDecision?
    /// Foreclosure: the mortgage being enforced, and the default stated for it.
    public var mortgage: EncumbranceID?
    public var `default`: DefaultStatement?
    public var status: ListingStatus
    /// The announcement period (E-3): intents are taken until its last day.
    public var announcement: Term?
    public var auction: AuctionWindow?
    public var intents: [Intent]
    public var bids: [Bid]
    public var matching: PriorityMatching?
    /// The current or last deal.
    public var deal: String?
    /// Why it was rejected or failed.
    public var note: String?

    public init(
        id: String, kind: ListingKind, right: RightID, seller: Holder, submittedBy: String, price: Fen, increment: Fen,
        deposit: Fen, lease: LeaseOffer?, shares: Int?, consents: [Consent], filing: Filing?,
        collectiveDecision: CollectiveDecision?, mortgage: EncumbranceID?
    ) {
        self.id = id
        self.kind = kind
        self.right = right
        self.seller = seller
        self.submittedBy = submittedBy
        self.price = price
        self.increment = increment
        self.deposit = deposit
        self.lease = lease
        self.shares = shares
        self.consents = consents
        self.filing = filing
        self.collectiveDecision = collectiveDecision
        self.mortgage = mortgage
        status = .submitted
        intents = []
        bids = []
    }

    public func intent(_ id: String) -> Intent? { intents.first { $0.id == id } }

    /// Buyers still in the running: registered, deposit not forfeited.
    public var activeIntents: [Intent] { intents.filter { $0.depositStatus == .held } }

    /// The leading bid: the highest amount; between equal amounts, the earlier entry (E-6).
    public var leadingBid: Bid? { Auction.leader(of: bids) }

    enum CodingKeys: String, CodingKey {
        case id, kind, right, seller, lease, shares, consents, filing, mortgage, status, announcement, auction, intents,
            bids, `default`
        case matching, deal, note
        case submittedBy = "submitted_by"
        case price = "price_fen"
        case increment = "increment_fen"
        case deposit = "deposit_fen"
        case collectiveDecision = "collective_decision"
    }
}
