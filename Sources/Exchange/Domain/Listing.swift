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
    /// 中止: the exchange stopped the clock (a seizure, objection or advance notice arrived, or
    /// the right changed); it resumes or is terminated.
    case suspended
    /// 终结: the sale became impossible; every deposit is refunded in full.
    case terminated

    /// Whether the listing still holds its right on the exchange: one live listing per right.
    public var isLive: Bool {
        switch self {
        case .submitted, .announced, .auction, .matching, .awaitingPayment, .suspended: true
        case .rejected, .settled, .failed, .terminated: false
        }
    }
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

    /// Among claims, the higher rank goes first; equal ranks draw lots (L-18).
    public var rank: Int {
        switch self {
        case .renewal: 2
        case .member: 1
        }
    }
}

/// A buyer's registration (意向登记, E-4) with its deposit.
public struct Intent: Hashable, Sendable, Codable {
    /// `I` and the index of the entry that registered it.
    public var id: IntentID
    public var buyer: Holder
    public var deposit: Fen
    public var depositStatus: DepositStatus
    /// When the deposit falls to be refunded: its due day, and once paid, the payment.
    public var refund: Refund?
    /// Why the deposit was kept, when it was.
    public var forfeit: ForfeitReason?
    /// The priority right claimed at registration and approved by the exchange (L-17(5), L-18,
    /// FLM-10).
    public var priority: PriorityClaim?
    /// A claim the register does not bear out: the rule and why. The buyer is registered as an
    /// ordinary bidder.
    public var priorityRefused: String?
    /// L-17(4): the evidence of agricultural operating ability or qualification (leases).
    public var capacity: String?
    /// A single buyer's negotiated price (E-5), at least the listing price.
    public var offer: Fen?

    public init(
        id: IntentID, buyer: Holder, deposit: Fen, priority: PriorityClaim?, priorityRefused: String? = nil,
        capacity: String?, offer: Fen?
    ) {
        self.id = id
        self.buyer = buyer
        self.deposit = deposit
        depositStatus = .held
        self.priority = priority
        self.priorityRefused = priorityRefused
        self.capacity = capacity
        self.offer = offer
    }

    enum CodingKeys: String, CodingKey {
        case id, buyer, priority, capacity, refund, forfeit
        case priorityRefused = "priority_refused"
        case deposit = "deposit_fen"
        case depositStatus = "deposit_status"
        case offer = "offer_fen"
    }
}

/// A bid as logged: its entry index orders ties (E-6: a tie goes to the earlier bid).
public struct Bid: Hashable, Sendable, Codable {
    public var entry: UInt64
    public var intent: IntentID
    public var amount: Fen
    /// The server's clock when the bid was taken.
    public var at: String
    /// The phase it was taken in; nil in logs from before the two phases.
    public var phase: AuctionPhase?
    /// In the timed phase, the round it opened.
    public var round: Int?

    public init(entry: UInt64, intent: IntentID, amount: Fen, at: String, phase: AuctionPhase?, round: Int?) {
        self.entry = entry
        self.intent = intent
        self.amount = amount
        self.at = at
        self.phase = phase
        self.round = round
    }

    enum CodingKeys: String, CodingKey {
        case entry, intent, at, phase, round
        case amount = "amount_fen"
    }
}

/// After the auction: the best price, who offered it, until when priority holders may match
/// it, and who has matched so far (in the order they claimed).
public struct PriorityMatching: Hashable, Sendable, Codable {
    public var price: Fen
    public var leader: IntentID
    public var until: Day
    public var claims: [IntentID]

    public init(price: Fen, leader: IntentID, until: Day, claims: [IntentID] = []) {
        self.price = price
        self.leader = leader
        self.until = until
        self.claims = claims
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        price = try container.decode(Fen.self, forKey: .price)
        leader = try container.decode(IntentID.self, forKey: .leader)
        until = try container.decode(Day.self, forKey: .until)
        claims = try container.decodeIfPresent([IntentID].self, forKey: .claims) ?? []
    }

    enum CodingKeys: String, CodingKey {
        case leader, until, claims
        case price = "price_fen"
    }
}

/// Who takes the deal if the buyer before does not pay: the lot's back-ups, then the other
/// bidders by their best bids (E-6, L-18).
public struct Successor: Hashable, Sendable, Codable {
    public var intent: IntentID
    public var price: Fen
    public var basis: DealBasis

    public init(intent: IntentID, price: Fen, basis: DealBasis) {
        self.intent = intent
        self.price = price
        self.basis = basis
    }

    enum CodingKeys: String, CodingKey {
        case intent, basis
        case price = "price_fen"
    }
}

/// Why the exchange stopped a listing's clock, or ended it.
public enum StopCause: String, Sendable, Hashable, Codable, CaseIterable {
    /// SPC-15: a court seized the right.
    case seizure
    /// C-5: an objection was registered against it.
    case objection
    /// C-6: an advance notice promises it to someone.
    case advanceNotice = "advance-notice"
    /// The right changed hands, ended or changed in the register after the announcement.
    case rightChanged = "right-changed"
    /// The exchange's own decision, with the reason it states.
    case exchange

    /// The rule the cause rests on, for messages and the notice board.
    public var rule: String {
        switch self {
        case .seizure: "SPC-15"
        case .objection: "C-5"
        case .advanceNotice: "C-6"
        case .rightChanged: "E-2"
        case .exchange: "E-2"
        }
    }
}

/// A listing's clock, stopped (中止).
public struct Suspension: Hashable, Sendable, Codable {
    public var since: Day
    public var cause: StopCause
    public var reason: String
    /// Where the listing resumes.
    public var resumes: ListingStatus

    public init(since: Day, cause: StopCause, reason: String, resumes: ListingStatus) {
        self.since = since
        self.cause = cause
        self.reason = reason
        self.resumes = resumes
    }
}

/// What a listing offers, as the exchange accepted it at submission; nothing here changes later.
public struct ListingTerms: Hashable, Sendable, Codable {
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

    public init(_ application: ListingApplication, seller: Holder, submittedBy: String, mortgage: EncumbranceID?) {
        kind = application.kind
        right = application.right
        self.seller = seller
        self.submittedBy = submittedBy
        price = application.price
        increment = application.increment
        deposit = application.deposit
        lease = application.lease
        shares = application.shares
        consents = application.consents
        filing = application.filing
        collectiveDecision = application.collectiveDecision
        self.mortgage = mortgage
        self.default = application.default
    }

    enum CodingKeys: String, CodingKey {
        case kind, right, seller, lease, shares, consents, filing, mortgage, `default`
        case submittedBy = "submitted_by"
        case price = "price_fen"
        case increment = "increment_fen"
        case deposit = "deposit_fen"
        case collectiveDecision = "collective_decision"
    }
}

/// A right offered on the exchange, from application to settlement. Its document is the terms
/// (flat, as applied for) and where it stands.
@dynamicMemberLookup
public struct Listing: Hashable, Sendable, Codable {
    /// `L` and the index of the entry that submitted it.
    public var id: ListingID
    public var terms: ListingTerms
    /// The rules it runs under (nil in logs from before they were logged).
    public var rules: ExchangeRules?
    /// 1 for a first listing; a 流拍 re-listed is the next attempt, linked to the one before.
    public var attempt: Int
    public var previous: ListingID?
    /// The attempt that followed this one's failure.
    public var next: ListingID?
    public var status: ListingStatus
    /// The announcement period (E-3): intents are taken until its last day.
    public var announcement: Term?
    public var auction: AuctionSchedule?
    public var intents: [Intent]
    public var bids: [Bid]
    public var matching: PriorityMatching?
    /// The lot drawn among equal priority holders who matched (L-18).
    public var lot: PriorityLot?
    /// Who takes the deal, in order, if the current buyer forfeits.
    public var successors: [Successor]
    public var suspension: Suspension?
    /// The current or last deal.
    public var deal: DealID?
    /// Why it was rejected, failed or terminated.
    public var note: String?

    public init(id: ListingID, terms: ListingTerms, rules: ExchangeRules?, attempt: Int, previous: ListingID?) {
        self.id = id
        self.terms = terms
        self.rules = rules
        self.attempt = attempt
        self.previous = previous
        status = .submitted
        intents = []
        bids = []
        successors = []
    }

    public subscript<T>(dynamicMember path: KeyPath<ListingTerms, T>) -> T { terms[keyPath: path] }

    /// The rules this listing runs under: its own, or the defaults for a listing logged before
    /// listings carried them.
    public var procedure: ExchangeRules { rules ?? ExchangeRules() }

    public func intent(_ id: IntentID) -> Intent? { intents.first { $0.id == id } }

    /// Buyers still in the running: registered, deposit held.
    public var activeIntents: [Intent] { intents.filter { $0.depositStatus == .held } }

    /// The leading bid: the highest amount; between equal amounts, the earlier entry (E-6).
    public var leadingBid: Bid? { Auction.leader(of: bids) }

    public init(from decoder: any Decoder) throws {
        terms = try ListingTerms(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(ListingID.self, forKey: .id)
        rules = try container.decodeIfPresent(ExchangeRules.self, forKey: .rules)
        attempt = try container.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
        previous = try container.decodeIfPresent(ListingID.self, forKey: .previous)
        next = try container.decodeIfPresent(ListingID.self, forKey: .next)
        status = try container.decode(ListingStatus.self, forKey: .status)
        announcement = try container.decodeIfPresent(Term.self, forKey: .announcement)
        auction = try container.decodeIfPresent(AuctionSchedule.self, forKey: .auction)
        intents = try container.decodeIfPresent([Intent].self, forKey: .intents) ?? []
        bids = try container.decodeIfPresent([Bid].self, forKey: .bids) ?? []
        matching = try container.decodeIfPresent(PriorityMatching.self, forKey: .matching)
        lot = try container.decodeIfPresent(PriorityLot.self, forKey: .lot)
        successors = try container.decodeIfPresent([Successor].self, forKey: .successors) ?? []
        suspension = try container.decodeIfPresent(Suspension.self, forKey: .suspension)
        deal = try container.decodeIfPresent(DealID.self, forKey: .deal)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }

    public func encode(to encoder: any Encoder) throws {
        try terms.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(rules, forKey: .rules)
        try container.encode(attempt, forKey: .attempt)
        try container.encodeIfPresent(previous, forKey: .previous)
        try container.encodeIfPresent(next, forKey: .next)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(announcement, forKey: .announcement)
        try container.encodeIfPresent(auction, forKey: .auction)
        try container.encode(intents, forKey: .intents)
        try container.encode(bids, forKey: .bids)
        try container.encodeIfPresent(matching, forKey: .matching)
        try container.encodeIfPresent(lot, forKey: .lot)
        try container.encode(successors, forKey: .successors)
        try container.encodeIfPresent(suspension, forKey: .suspension)
        try container.encodeIfPresent(deal, forKey: .deal)
        try container.encodeIfPresent(note, forKey: .note)
    }

    enum CodingKeys: String, CodingKey {
        case id, rules, attempt, previous, next, status, announcement, auction, intents, bids, matching, lot,
            successors, suspension, deal, note
    }
}
