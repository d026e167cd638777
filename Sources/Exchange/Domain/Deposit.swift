public import RightsRegistry

/// What became of a buyer's 保证金 (E-4, E-6).
public enum DepositStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Paid in and held while the buyer is in the running.
    case held
    /// Counted towards the winner's first payment.
    case applied
    /// Released to the buyer: the exchange owes it by the refund's due day.
    case refundDue = "refund-due"
    case refunded
    /// Kept for the buyer's own default, with a reason (E-6).
    case forfeited
}

/// A deposit released to its buyer: due within the listing's refund period (E-6: 7 working
/// days), and once paid, the payment that returned it.
public struct Refund: Hashable, Sendable, Codable {
    public var due: Day
    public var paidOn: Day?
    public var reference: String?

    public init(due: Day, paidOn: Day? = nil, reference: String? = nil) {
        self.due = due
        self.paidOn = paidOn
        self.reference = reference
    }

    enum CodingKeys: String, CodingKey {
        case due, reference
        case paidOn = "paid_on"
    }
}

/// The buyer's own reasons a deposit may be kept (E-6); nothing on the seller's side — a
/// seizure, an objection, a right listed twice — ever forfeits a buyer's deposit.
public enum ForfeitReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The buyer withdrew after paying the deposit and winning.
    case withdrew
    /// The buyer did not sign the contract in time.
    case didNotSign = "did-not-sign"
    /// The buyer did not pay by the due day.
    case didNotPay = "did-not-pay"
    /// The buyer's registration or bids were fraudulent.
    case fraud
}

/// Where a forfeited deposit goes: the exchange's fee, the rest to the seller.
public struct ForfeitDisposition: Hashable, Sendable, Codable {
    public var fee: Fen
    public var seller: Fen

    public init(deposit: Fen, feePercent: Int) {
        fee = Fen(deposit.value * Int64(feePercent) / 100)
        seller = Fen(deposit.value - fee.value)
    }

    enum CodingKeys: String, CodingKey {
        case fee = "exchange_fee_fen"
        case seller = "to_seller_fen"
    }
}

/// A deposit the exchange owes back: the operator's list of refunds and their due days, one row
/// per released deposit (the `deposit_refunds` table).
public struct DepositRefund: Hashable, Sendable, Codable {
    public var intent: IntentID
    public var listing: ListingID
    public var buyer: Holder
    public var amount: Fen
    public var refund: Refund

    public init(intent: Intent, listing: ListingID, due: Day) {
        self.intent = intent.id
        self.listing = listing
        buyer = intent.buyer
        amount = intent.deposit
        refund = Refund(due: due)
    }

    public var isPaid: Bool { refund.paidOn != nil }

    /// Unpaid after its due day.
    public func isOverdue(on day: Day) -> Bool { !isPaid && day > refund.due }

    enum CodingKeys: String, CodingKey {
        case intent, listing, buyer, refund
        case amount = "amount_fen"
    }
}
