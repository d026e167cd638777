public import RightsRegistry

public enum DealStatus: String, Sendable, Hashable, Codable {
    case awaitingPayment = "awaiting-payment"
    case settled
    /// The buyer did not pay by the due day and lost its deposit (E-6).
    case forfeited
}

/// How the buyer came to the deal (E-5, L-18).
public enum DealBasis: String, Sendable, Hashable, Codable {
    /// One qualified buyer: a negotiated deal at or above the reserve.
    case negotiated
    case auction
    /// A priority holder matched the best price.
    case priority
}

/// A payout from a foreclosure sale's proceeds: mortgagees by rank, then the holder (C-12).
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

/// The contract struck on a listing (E-7), awaiting payment and then settled.
public struct Deal: Hashable, Sendable, Codable {
    /// `D` and the index of the entry that struck it.
    public var id: String
    public var listing: String
    public var kind: ListingKind
    public var right: RightID
    public var seller: Holder
    public var buyer: Holder
    public var intent: String
    public var price: Fen
    public var basis: DealBasis
    /// The last day to pay (E-6: 3 working days by default).
    public var due: Day
    public var status: DealStatus
    /// Set at settlement: the registry act's entry, the right it created or changed, the
    /// settlement entry that carries the attestation, and how proceeds were paid out.
    public var registryEntry: UInt64?
    public var resultingRight: RightID?
    public var settlementEntry: UInt64?
    public var payouts: [Payout]?

    public init(
        id: String, listing: Listing, intent: Intent, price: Fen, basis: DealBasis, due: Day
    ) {
        self.id = id
        self.listing = listing.id
        kind = listing.kind
        right = listing.right
        seller = listing.seller
        buyer = intent.buyer
        self.intent = intent.id
        self.price = price
        self.basis = basis
        self.due = due
        status = .awaitingPayment
    }

    enum CodingKeys: String, CodingKey {
        case id, listing, kind, right, seller, buyer, intent, basis, due, status, payouts
        case price = "price_fen"
        case registryEntry = "registry_entry"
        case resultingRight = "resulting_right"
        case settlementEntry = "settlement_entry"
    }
}
