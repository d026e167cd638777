public import RightsRegistry

/// The buyer did not pay by the due day (E-6), kind `deal-forfeit`: its deposit is forfeited and
/// the listing falls to the next bidder, or fails and the other deposits are refunded.
public struct DealForfeited: RegistryEvent {
    public static let kind = "deal-forfeit"
    public static let version = 1

    public var deal: String
    public var listing: String
    public var intent: String
    public var next: Deal?
    public var refunds: [String]

    public init(deal: String, listing: String, intent: String, next: Deal?, refunds: [String]) {
        self.deal = deal
        self.listing = listing
        self.intent = intent
        self.next = next
        self.refunds = refunds
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Deal.key(deal), Listing.key(listing)] + (next.map { [Deal.key($0.id)] } ?? [])
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var lost = try state.require(Deal.self, deal)
        lost.status = .forfeited
        state.put(lost)
        var record = try state.require(Listing.self, listing)
        record.setDeposits(of: [intent], to: .forfeited)
        record.setDeposits(of: refunds, to: .refunded)
        if let next {
            record.deal = next.id
            state.put(next)
        } else {
            record.status = .failed
            record.note = "the buyer forfeited and no other bidder remains"
        }
        state.put(record)
    }
}

/// Payment confirmed and the deal settled (E-7…E-9), kind `deal-settlement`. It is appended in
/// the same transaction as the registry act(s) it rests on (the entries just before it), and
/// carries the 交易鉴证书's statement (`attestation`), which the signed certificate repeats.
public struct DealSettled: RegistryEvent {
    public static let kind = "deal-settlement"
    public static let version = 1

    public var deal: String
    public var listing: String
    public var payment: String
    public var registryEntry: UInt64
    public var resultingRight: RightID
    public var refunds: [String]
    public var payouts: [Payout]
    public var attestation: JSONValue

    public init(
        deal: String, listing: String, payment: String, registryEntry: UInt64, resultingRight: RightID,
        refunds: [String], payouts: [Payout], attestation: JSONValue
    ) {
        self.deal = deal
        self.listing = listing
        self.payment = payment
        self.registryEntry = registryEntry
        self.resultingRight = resultingRight
        self.refunds = refunds
        self.payouts = payouts
        self.attestation = attestation
    }

    enum CodingKeys: String, CodingKey {
        case deal, listing, payment, refunds, payouts, attestation
        case registryEntry = "registry_entry"
        case resultingRight = "resulting_right"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Deal.key(deal), Listing.key(listing)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var settled = try state.require(Deal.self, deal)
        settled.status = .settled
        settled.registryEntry = registryEntry
        settled.resultingRight = resultingRight
        settled.settlementEntry = entry.index
        settled.payouts = payouts
        state.put(settled)
        var record = try state.require(Listing.self, listing)
        record.status = .settled
        record.setDeposits(of: [settled.intent], to: .applied)
        record.setDeposits(of: refunds, to: .refunded)
        state.put(record)
    }
}

/// A household applied to withdraw a right (自愿有偿退出), kind `withdrawal`.
public struct WithdrawalApplied: RegistryEvent {
    public static let kind = "withdrawal"
    public static let version = 1

    public var withdrawal: Withdrawal

    public init(withdrawal: Withdrawal) { self.withdrawal = withdrawal }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Withdrawal.key(withdrawal.id)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws { state.put(withdrawal) }
}

/// The collective approved a withdrawal, kind `withdrawal-approval`.
public struct WithdrawalApproved: RegistryEvent {
    public static let kind = "withdrawal-approval"
    public static let version = 1

    public var withdrawal: String
    public var approval: String

    public init(withdrawal: String, approval: String) {
        self.withdrawal = withdrawal
        self.approval = approval
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Withdrawal.key(withdrawal)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Withdrawal.self, withdrawal)
        record.status = .approved
        record.approval = approval
        state.put(record)
    }
}

/// The collective paid, kind `withdrawal-payment`; appended with the register's `surrender`
/// entry (just before it) in one transaction.
public struct WithdrawalPaid: RegistryEvent {
    public static let kind = "withdrawal-payment"
    public static let version = 1

    public var withdrawal: String
    public var payment: String

    public init(withdrawal: String, payment: String) {
        self.withdrawal = withdrawal
        self.payment = payment
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Withdrawal.key(withdrawal)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Withdrawal.self, withdrawal)
        record.status = .paid
        record.payment = payment
        state.put(record)
    }
}
