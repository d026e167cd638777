public import RightsRegistry

/// A party signed the deal's contract (E-7), kind `contract-signature`. The exchange attests
/// it at settlement, once both have signed and the buyer has paid.
public struct ContractSigned: RegistryEvent {
    public static let kind = "contract-signature"
    public static let version = 1

    public var deal: DealID
    public var party: ContractParty
    /// The contract's SHA-256 as signed: the text the party saw.
    public var contract: String

    public init(deal: DealID, party: ContractParty, contract: String) {
        self.deal = deal
        self.party = party
        self.contract = contract
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Deal.key(deal.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Deal.self, deal.rawValue)
        record.signatures = (record.signatures ?? []) + [party]
        state.put(record)
    }
}

/// The buyer defaulted for its own reason (E-6), kind `deal-forfeit`: its deposit is kept —
/// the exchange's fee, the rest to the seller — and the listing falls to the next successor
/// (a back-up of the lot, then the next bidder), or fails and the other deposits are released.
/// Version 2 carries the reason, the disposition and the refunds' due day.
public struct DealForfeited: RegistryEvent {
    public static let kind = "deal-forfeit"
    public static let version = 2

    public var deal: DealID
    public var listing: ListingID
    public var intent: IntentID
    public var reason: ForfeitReason?
    public var disposition: ForfeitDisposition?
    public var next: Deal?
    /// The successors left after `next`.
    public var successors: [Successor]?
    public var refunds: [IntentID]
    public var refundsDue: Day?

    public init(
        deal: DealID, listing: ListingID, intent: IntentID, reason: ForfeitReason, disposition: ForfeitDisposition,
        next: Deal?, successors: [Successor], refunds: [IntentID], refundsDue: Day?
    ) {
        self.deal = deal
        self.listing = listing
        self.intent = intent
        self.reason = reason
        self.disposition = disposition
        self.next = next
        self.successors = successors
        self.refunds = refunds
        self.refundsDue = refundsDue
    }

    enum CodingKeys: String, CodingKey {
        case deal, listing, intent, reason, disposition, next, successors, refunds
        case refundsDue = "refunds_due"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Deal.key(deal.rawValue), Listing.key(listing.rawValue)] + (next.map { [Deal.key($0.id.rawValue)] } ?? [])
            + DepositRefund.keys(refunds)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var lost = try state.require(Deal.self, deal.rawValue)
        lost.status = .forfeited
        lost.forfeit = reason
        lost.disposition = disposition
        state.put(lost)
        var record = try state.require(Listing.self, listing.rawValue)
        record.setDeposits(of: [intent], to: .forfeited)
        for index in record.intents.indices where record.intents[index].id == intent {
            record.intents[index].forfeit = reason
        }
        record.release(refunds, due: refundsDue, into: &state)
        record.successors = successors ?? []
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
/// carries the 交易鉴证书's statement (`attestation`), which the signed certificate repeats. The
/// buyer's deposit is applied to the price; every other deposit still held is released.
public struct DealSettled: RegistryEvent {
    public static let kind = "deal-settlement"
    public static let version = 2

    public var deal: DealID
    public var listing: ListingID
    public var payment: String
    public var registryEntry: UInt64
    public var resultingRight: RightID
    public var refunds: [IntentID]
    public var refundsDue: Day?
    public var payouts: [Payout]
    public var attestation: JSONValue

    public init(
        deal: DealID, listing: ListingID, payment: String, registryEntry: UInt64, resultingRight: RightID,
        refunds: [IntentID], refundsDue: Day, payouts: [Payout], attestation: JSONValue
    ) {
        self.deal = deal
        self.listing = listing
        self.payment = payment
        self.registryEntry = registryEntry
        self.resultingRight = resultingRight
        self.refunds = refunds
        self.refundsDue = refundsDue
        self.payouts = payouts
        self.attestation = attestation
    }

    enum CodingKeys: String, CodingKey {
        case deal, listing, payment, refunds, payouts, attestation
        case registryEntry = "registry_entry"
        case resultingRight = "resulting_right"
        case refundsDue = "refunds_due"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Deal.key(deal.rawValue), Listing.key(listing.rawValue)] + DepositRefund.keys(refunds)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var settled = try state.require(Deal.self, deal.rawValue)
        settled.status = .settled
        settled.registryEntry = registryEntry
        settled.resultingRight = resultingRight
        settled.settlementEntry = entry.index
        settled.payouts = payouts
        state.put(settled)
        var record = try state.require(Listing.self, listing.rawValue)
        record.status = .settled
        record.setDeposits(of: [settled.intent], to: .applied)
        record.release(refunds, due: refundsDue, into: &state)
        state.put(record)
    }
}

/// A household applied to withdraw a right (自愿有偿退出), kind `withdrawal`.
public struct WithdrawalApplied: RegistryEvent {
    public static let kind = "withdrawal"
    public static let version = 1

    public var withdrawal: Withdrawal

    public init(withdrawal: Withdrawal) { self.withdrawal = withdrawal }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Withdrawal.key(withdrawal.id.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws { state.put(withdrawal) }
}

/// The collective approved a withdrawal, kind `withdrawal-approval`.
public struct WithdrawalApproved: RegistryEvent {
    public static let kind = "withdrawal-approval"
    public static let version = 1

    public var withdrawal: WithdrawalID
    public var approval: String

    public init(withdrawal: WithdrawalID, approval: String) {
        self.withdrawal = withdrawal
        self.approval = approval
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Withdrawal.key(withdrawal.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Withdrawal.self, withdrawal.rawValue)
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

    public var withdrawal: WithdrawalID
    public var payment: String

    public init(withdrawal: WithdrawalID, payment: String) {
        self.withdrawal = withdrawal
        self.payment = payment
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Withdrawal.key(withdrawal.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Withdrawal.self, withdrawal.rawValue)
        record.status = .paid
        record.payment = payment
        state.put(record)
    }
}
