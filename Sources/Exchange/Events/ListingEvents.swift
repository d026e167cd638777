public import RightsRegistry

// The exchange's events carry what was decided — the terms accepted, the bid taken, the deal
// struck, the deposits released and when they fall due — never a snapshot of a listing, so
// that applying them is the only way a listing changes.

/// A listing applied for (E-1), kind `listing`. Its ID is `L` and the entry's index. Version 2
/// carries the accepted terms and the rules the listing runs under; version 1 carried the
/// listing whole.
public struct ListingSubmitted: RegistryEvent {
    public static let kind = "listing"
    public static let version = 2

    public var listing: ListingID
    public var terms: ListingTerms
    public var rules: ExchangeRules?
    public var attempt: Int
    /// The failed attempt this one lists again (流拍).
    public var previous: ListingID?

    public init(listing: ListingID, terms: ListingTerms, rules: ExchangeRules, attempt: Int, previous: ListingID?) {
        self.listing = listing
        self.terms = terms
        self.rules = rules
        self.attempt = attempt
        self.previous = previous
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let listing = try? container.decode(ListingID.self, forKey: .listing) {
            self.listing = listing
            terms = try container.decode(ListingTerms.self, forKey: .terms)
            rules = try container.decodeIfPresent(ExchangeRules.self, forKey: .rules)
            attempt = try container.decodeIfPresent(Int.self, forKey: .attempt) ?? 1
            previous = try container.decodeIfPresent(ListingID.self, forKey: .previous)
        } else {
            // Version 1: `{"listing": {"id": …, the terms …}}`.
            let legacy = try container.decode(Listing.self, forKey: .listing)
            listing = legacy.id
            terms = legacy.terms
            rules = nil
            attempt = 1
            previous = nil
        }
    }

    enum CodingKeys: String, CodingKey { case listing, terms, rules, attempt, previous }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing.rawValue)] + (previous.map { [Listing.key($0.rawValue)] } ?? [])
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        state.put(Listing(id: listing, terms: terms, rules: rules, attempt: attempt, previous: previous))
        if let previous {
            var failed = try state.require(Listing.self, previous.rawValue)
            failed.next = listing
            state.put(failed)
        }
    }
}

/// The operator's review (E-2): approved listings are announced (E-3) with their bidding schedule.
public struct ListingReviewed: RegistryEvent {
    public static let kind = "listing-review"
    public static let version = 2

    public var listing: ListingID
    public var approved: Bool
    public var reason: String?
    public var announcement: Term?
    public var auction: AuctionSchedule?

    public init(listing: ListingID, approved: Bool, reason: String?, announcement: Term?, auction: AuctionSchedule?) {
        self.listing = listing
        self.approved = approved
        self.reason = reason
        self.announcement = announcement
        self.auction = auction
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
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

    public var listing: ListingID
    public var intent: Intent

    public init(listing: ListingID, intent: Intent) {
        self.listing = listing
        self.intent = intent
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        record.intents.append(intent)
        state.put(record)
    }
}

/// A bid (E-6), kind `bid`. Every bid is an entry, so the result can be recomputed from the log.
/// Version 2 names the phase and, in the timed phase, the round the bid opened.
public struct BidPlaced: RegistryEvent {
    public static let kind = "bid"
    public static let version = 2

    public var listing: ListingID
    public var intent: IntentID
    public var amount: Fen
    /// The server's clock when the bid was taken, and the effective end after it.
    public var at: String
    public var endsAt: String
    public var phase: AuctionPhase?
    public var round: Int?

    public init(
        listing: ListingID, intent: IntentID, amount: Fen, at: String, endsAt: String, phase: AuctionPhase,
        round: Int?
    ) {
        self.listing = listing
        self.intent = intent
        self.amount = amount
        self.at = at
        self.endsAt = endsAt
        self.phase = phase
        self.round = round
    }

    enum CodingKeys: String, CodingKey {
        case listing, intent, at, phase, round
        case amount = "amount_fen"
        case endsAt = "ends_at"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        record.bids.append(Bid(entry: entry.index, intent: intent, amount: amount, at: at, phase: phase, round: round))
        record.status = .auction
        record.auction?.endsAt = endsAt
        if let round { record.auction?.round = round }
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
/// A deal waits for signatures and payment, with the buyers after it as successors; a failure
/// releases every deposit still held, due back by `refunds_due`.
public struct ListingClosed: RegistryEvent {
    public static let kind = "listing-close"
    public static let version = 2

    public var listing: ListingID
    public var outcome: CloseOutcome
    public var deal: Deal?
    public var matching: PriorityMatching?
    public var lot: PriorityLot?
    public var successors: [Successor]?
    public var refunds: [IntentID]
    public var refundsDue: Day?
    public var reason: String?

    public init(
        listing: ListingID, outcome: CloseOutcome, deal: Deal? = nil, matching: PriorityMatching? = nil,
        lot: PriorityLot? = nil, successors: [Successor] = [], refunds: [IntentID] = [], refundsDue: Day? = nil,
        reason: String? = nil
    ) {
        self.listing = listing
        self.outcome = outcome
        self.deal = deal
        self.matching = matching
        self.lot = lot
        self.successors = successors
        self.refunds = refunds
        self.refundsDue = refundsDue
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case listing, outcome, deal, matching, lot, successors, refunds, reason
        case refundsDue = "refunds_due"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing.rawValue)] + (deal.map { [Deal.key($0.id.rawValue)] } ?? [])
            + DepositRefund.keys(refunds)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        switch outcome {
        case .deal:
            record.status = .awaitingPayment
            record.deal = deal?.id
            record.lot = lot ?? record.lot
            record.successors = successors ?? []
        case .matching:
            record.status = .matching
            record.matching = matching
        case .failed:
            record.status = .failed
            record.note = reason
        }
        record.release(refunds, due: refundsDue, into: &state)
        state.put(record)
        if let deal { state.put(deal) }
    }
}

/// A priority holder matched the best price within the period (L-18), kind `priority-claim`.
/// Who takes the deal is decided at the close: the highest rank, and among equals the lot.
public struct PriorityClaimed: RegistryEvent {
    public static let kind = "priority-claim"
    public static let version = 1

    public var listing: ListingID
    public var intent: IntentID

    public init(listing: ListingID, intent: IntentID) {
        self.listing = listing
        self.intent = intent
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] { [Listing.key(listing.rawValue)] }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        record.matching?.claims.append(intent)
        state.put(record)
    }
}

/// Logs before the lot: the first priority holder to match took the deal at once, kind
/// `priority-match`. No longer decided; read so that old logs replay.
public struct PriorityMatched: RegistryEvent {
    public static let kind = "priority-match"
    public static let version = 1

    public var listing: ListingID
    public var deal: Deal

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing.rawValue), Deal.key(deal.id.rawValue)]
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        record.status = .awaitingPayment
        record.deal = deal.id
        state.put(record)
        state.put(deal)
    }
}

/// The exchange stopped a listing's clock (中止), kind `listing-suspension`: on a seizure,
/// objection or advance notice that arrived after the announcement, a change of the right, or
/// its own decision. Its deal, if one waits for payment, is suspended with it.
public struct ListingSuspended: RegistryEvent {
    public static let kind = "listing-suspension"
    public static let version = 1

    public var listing: ListingID
    public var cause: StopCause
    public var reason: String
    public var deal: DealID?

    public init(listing: ListingID, cause: StopCause, reason: String, deal: DealID?) {
        self.listing = listing
        self.cause = cause
        self.reason = reason
        self.deal = deal
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing.rawValue)] + (deal.map { [Deal.key($0.rawValue)] } ?? [])
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        record.suspension = Suspension(since: entry.day, cause: cause, reason: reason, resumes: record.status)
        record.status = .suspended
        state.put(record)
        if let deal {
            var stopped = try state.require(Deal.self, deal.rawValue)
            stopped.status = .suspended
            state.put(stopped)
        }
    }
}

/// The cause of a suspension is gone; the listing resumes where it stopped, kind
/// `listing-resumption`, with every deadline it had moved by the time it was stopped (the
/// decided dates are in the event).
public struct ListingResumed: RegistryEvent {
    public static let kind = "listing-resumption"
    public static let version = 1

    public var listing: ListingID
    public var reason: String
    public var announcement: Term?
    public var auction: AuctionSchedule?
    public var matchingUntil: Day?
    public var deal: DealID?
    public var due: Day?

    public init(
        listing: ListingID, reason: String, announcement: Term?, auction: AuctionSchedule?, matchingUntil: Day?,
        deal: DealID?, due: Day?
    ) {
        self.listing = listing
        self.reason = reason
        self.announcement = announcement
        self.auction = auction
        self.matchingUntil = matchingUntil
        self.deal = deal
        self.due = due
    }

    enum CodingKeys: String, CodingKey {
        case listing, reason, announcement, auction, deal, due
        case matchingUntil = "matching_until"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing.rawValue)] + (deal.map { [Deal.key($0.rawValue)] } ?? [])
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        guard let suspension = record.suspension else {
            throw RegistryError(code: "integrity.listing", message: "\(listing) resumes but was not suspended")
        }
        record.status = suspension.resumes
        record.suspension = nil
        record.announcement = announcement ?? record.announcement
        record.auction = auction ?? record.auction
        if let matchingUntil { record.matching?.until = matchingUntil }
        state.put(record)
        if let deal {
            var resumed = try state.require(Deal.self, deal.rawValue)
            resumed.status = .awaitingPayment
            resumed.due = due ?? resumed.due
            state.put(resumed)
        }
    }
}

/// The sale became impossible (终结), kind `listing-termination`: the listing ends, its deal
/// with it, and every deposit still held — the winner's included — is released in full.
public struct ListingTerminated: RegistryEvent {
    public static let kind = "listing-termination"
    public static let version = 1

    public var listing: ListingID
    public var cause: StopCause
    public var reason: String
    public var deal: DealID?
    public var refunds: [IntentID]
    public var refundsDue: Day

    public init(
        listing: ListingID, cause: StopCause, reason: String, deal: DealID?, refunds: [IntentID], refundsDue: Day
    ) {
        self.listing = listing
        self.cause = cause
        self.reason = reason
        self.deal = deal
        self.refunds = refunds
        self.refundsDue = refundsDue
    }

    enum CodingKeys: String, CodingKey {
        case listing, cause, reason, deal, refunds
        case refundsDue = "refunds_due"
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing.rawValue)] + (deal.map { [Deal.key($0.rawValue)] } ?? []) + DepositRefund.keys(refunds)
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        record.status = .terminated
        record.note = "\(cause.rule): \(reason)"
        record.release(refunds, due: refundsDue, into: &state)
        state.put(record)
        if let deal {
            var ended = try state.require(Deal.self, deal.rawValue)
            ended.status = .terminated
            state.put(ended)
        }
    }
}

/// The exchange paid a released deposit back, kind `deposit-refund`.
public struct DepositRefunded: RegistryEvent {
    public static let kind = "deposit-refund"
    public static let version = 1

    public var listing: ListingID
    public var intent: IntentID
    public var reference: String

    public init(listing: ListingID, intent: IntentID, reference: String) {
        self.listing = listing
        self.intent = intent
        self.reference = reference
    }

    public func touches(_ entry: EntryContext) -> [EntityKey] {
        [Listing.key(listing.rawValue)] + DepositRefund.keys([intent])
    }

    public func apply(to state: inout ProjectionState, entry: EntryContext) throws {
        var record = try state.require(Listing.self, listing.rawValue)
        var refund = try state.require(DepositRefund.self, intent.rawValue)
        refund.refund.paidOn = entry.day
        refund.refund.reference = reference
        state.put(refund)
        for index in record.intents.indices where record.intents[index].id == intent {
            record.intents[index].depositStatus = .refunded
            record.intents[index].refund = refund.refund
        }
        state.put(record)
    }
}

extension Listing {
    /// Releases the deposits of `intents` to their buyers: due back by `due` (each one a row of
    /// the operator's refund list), or — in logs from before due days — simply refunded.
    mutating func release(_ intents: [IntentID], due: Day?, into state: inout ProjectionState) {
        for index in self.intents.indices where intents.contains(self.intents[index].id) {
            guard let due else {
                self.intents[index].depositStatus = .refunded
                continue
            }
            self.intents[index].depositStatus = .refundDue
            self.intents[index].refund = Refund(due: due)
            state.put(DepositRefund(intent: self.intents[index], listing: id, due: due))
        }
    }

    mutating func setDeposits(of intents: [IntentID], to status: DepositStatus) {
        for index in self.intents.indices where intents.contains(self.intents[index].id) {
            self.intents[index].depositStatus = status
        }
    }
}
