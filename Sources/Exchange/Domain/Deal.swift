public import RightsRegistry

public enum DealStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case awaitingPayment = "awaiting-payment"
    /// 中止 with its listing: no payment is taken and no deadline runs.
    case suspended
    case settled
    /// The buyer defaulted for its own reason and lost its deposit (E-6).
    case forfeited
    /// 终结 with its listing: the sale became impossible; the buyer's deposit is refunded.
    case terminated
}

/// How the buyer came to the deal (E-5, L-18).
public enum DealBasis: String, Sendable, Hashable, Codable {
    /// One qualified buyer: a negotiated deal at or above the reserve.
    case negotiated
    case auction
    /// A priority holder matched the best price.
    case priority
}

/// A payout from a sale's proceeds: mortgagees by rank, then the holder (C-12).
public struct Payout: Hashable, Sendable, Codable {
    public var to: String
    public var mortgage: EncumbranceID?
    public var amount: Fen

    public init(to: String, mortgage: EncumbranceID?, amount: Fen) {
        self.to = to
        self.mortgage = mortgage
        self.amount = amount
    }

    enum CodingKeys: String, CodingKey {
        case to, mortgage
        case amount = "amount_fen"
    }
}

/// The contract struck on a listing (E-7), awaiting signatures and payment, then settled.
public struct Deal: Hashable, Sendable, Codable {
    /// `D` and the index of the entry that struck it.
    public var id: DealID
    public var listing: ListingID
    public var kind: ListingKind
    public var right: RightID
    public var seller: Holder
    public var buyer: Holder
    public var intent: IntentID
    public var price: Fen
    /// The buyer's deposit, counted towards the first payment at settlement (E-6).
    public var deposit: Fen?
    public var basis: DealBasis
    /// The last day to pay (E-6: 3 working days by default).
    public var due: Day
    public var status: DealStatus
    /// The contract (E-7; L-19 for a lease): its text and hash, and who has signed it.
    public var contract: DealContract?
    public var signatures: [ContractParty]?
    public var forfeit: ForfeitReason?
    public var disposition: ForfeitDisposition?
    /// Set at settlement: the registry act's entry, the right it created or changed, the
    /// settlement entry that carries the attestation, and how proceeds were paid out.
    public var registryEntry: UInt64?
    public var resultingRight: RightID?
    public var settlementEntry: UInt64?
    public var payouts: [Payout]?

    public init(
        id: DealID, listing: Listing, intent: Intent, price: Fen, basis: DealBasis, due: Day, contract: DealContract
    ) {
        self.id = id
        self.listing = listing.id
        kind = listing.kind
        right = listing.right
        seller = listing.seller
        buyer = intent.buyer
        self.intent = intent.id
        self.price = price
        deposit = intent.deposit
        self.basis = basis
        self.due = due
        status = .awaitingPayment
        self.contract = contract
        signatures = []
    }

    /// What the buyer still pays: the price less the deposit it converts.
    public var balance: Fen { Fen(max(0, price.value - (deposit?.value ?? 0))) }

    /// Both parties signed (a deal from before contracts were recorded needs none).
    public var isSigned: Bool {
        guard contract != nil else { return true }
        return Set(signatures ?? []) == Set(ContractParty.allCases)
    }

    enum CodingKeys: String, CodingKey {
        case id, listing, kind, right, seller, buyer, intent, basis, due, status, payouts, contract, signatures,
            forfeit, disposition
        case price = "price_fen"
        case deposit = "deposit_fen"
        case registryEntry = "registry_entry"
        case resultingRight = "resulting_right"
        case settlementEntry = "settlement_entry"
    }
}
