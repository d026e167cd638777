public import RightsRegistry

/// A listing application (E-1): `POST /v1/listings` and `rights listing submit --body`.
public struct ListingApplication: Sendable, Hashable {
    public var right: RightID
    public var kind: ListingKind
    public var price: Fen
    public var increment: Fen
    public var deposit: Fen
    public var lease: LeaseOffer?
    public var shares: Int?
    public var consents: [Consent]
    public var filing: Filing?
    public var collectiveDecision: CollectiveDecision?
    /// A foreclosure: the default the mortgagee states (民法典 410).
    public var `default`: DefaultStatement?

    public init(
        right: RightID, kind: ListingKind, price: Fen, increment: Fen, deposit: Fen, lease: LeaseOffer? = nil,
        shares: Int? = nil, consents: [Consent] = [], filing: Filing? = nil,
        collectiveDecision: CollectiveDecision? = nil, default: DefaultStatement? = nil
    ) {
        self.default = `default`
        self.right = right
        self.kind = kind
        self.price = price
        self.increment = increment
        self.deposit = deposit
        self.lease = lease
        self.shares = shares
        self.consents = consents
        self.filing = filing
        self.collectiveDecision = collectiveDecision
    }
}

/// A buyer's registration (E-4): `POST /v1/listings/{id}/intents`.
public struct IntentApplication: Sendable, Hashable {
    public var buyer: Holder
    public var deposit: Fen
    public var priority: PriorityClaim?
    public var capacity: String?
    public var offer: Fen?

    public init(buyer: Holder, deposit: Fen, priority: PriorityClaim? = nil, capacity: String? = nil, offer: Fen? = nil)
    {
        self.buyer = buyer
        self.deposit = deposit
        self.priority = priority
        self.capacity = capacity
        self.offer = offer
    }
}

/// A household's application to withdraw a right: `POST /v1/withdrawals`.
public struct WithdrawalApplication: Sendable, Hashable {
    public var right: RightID
    /// Contract land and shares: what the collective pays.
    public var compensation: Fen?
    /// Homestead: surrender subsidy and the house's residual value (H-9).
    public var subsidy: Fen?
    public var residualValue: Fen?
    public var noticeOn: Day?
    public var keepEligibility: Bool
    public var shares: Int?
    public var consents: [Consent]

    public init(
        right: RightID, compensation: Fen? = nil, subsidy: Fen? = nil, residualValue: Fen? = nil, noticeOn: Day? = nil,
        keepEligibility: Bool = true, shares: Int? = nil, consents: [Consent] = []
    ) {
        self.right = right
        self.compensation = compensation
        self.subsidy = subsidy
        self.residualValue = residualValue
        self.noticeOn = noticeOn
        self.keepEligibility = keepEligibility
        self.shares = shares
        self.consents = consents
    }
}

/// Reads the exchange's request bodies, for the HTTP routes and the CLI alike (one parser, so a
/// CLI body file is exactly the HTTP body).
public enum ExchangeParser {
    static func enumeration<T: RawRepresentable & CaseIterable>(
        _ reader: inout FieldReader, _ name: String, _ type: T.Type, required: Bool = true
    ) -> T? where T.RawValue == String {
        reader.value(name, required: required) { text throws(InvalidValue) in
            guard let value = T(rawValue: text) else {
                throw InvalidValue("one of " + T.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return value
        }
    }

    /// `POST /v1/listings`; with `kind` fixed (a foreclosure), the body names no right or kind.
    public static func listing(_ reader: inout FieldReader, foreclosing right: RightID? = nil) -> ListingApplication? {
        let id = right ?? reader.value("right_id") { text throws(InvalidValue) in try RightID(text) }
        let kind = right == nil ? enumeration(&reader, "kind", ListingKind.self) : .foreclosureSale
        let price = reader.fen("price_fen")
        let increment = reader.fen("increment_fen")
        let deposit = reader.fen("deposit_fen", allowZero: true)
        var lease: LeaseOffer?
        if var nested = reader.object("lease", required: kind == .lease) {
            let term = ApplicationParser.term(&nested, "term")
            let use = nested.string("use")
            nested.rejectUnknownFields()
            if let term, let use { lease = LeaseOffer(term: term, use: use) }
        }
        let shares = reader.integer("shares", required: false, in: ShareHolding.inputRange).map(Int.init)
        let consents = ApplicationParser.consents(&reader)
        var filing: Filing?
        if var nested = reader.object("filing", required: false) { filing = ApplicationParser.filing(&nested) }
        var decision: CollectiveDecision?
        if var nested = reader.object("collective_decision", required: false) {
            let votesFor = nested.integer("votes_for", in: 0...1_000_000)
            let votesCast = nested.integer("votes_cast", in: 1...1_000_000)
            let approval = nested.string("township_approval")
            nested.rejectUnknownFields()
            if let votesFor, let votesCast, let approval {
                decision = CollectiveDecision(
                    votesFor: Int(votesFor), votesCast: Int(votesCast), townshipApproval: approval)
            }
        }
        var statement: DefaultStatement?
        if right != nil, var nested = reader.object("default") {
            let since = nested.day("since")
            let amount = nested.fen("amount_fen")
            let notice = nested.string("notice")
            nested.rejectUnknownFields()
            if let since, let amount, let notice {
                statement = DefaultStatement(since: since, amount: amount, notice: notice)
            }
        }
        reader.rejectUnknownFields()
        guard let id, let kind, let price, let increment, let deposit, let consents else { return nil }
        return ListingApplication(
            right: id, kind: kind, price: price, increment: increment, deposit: deposit, lease: lease, shares: shares,
            consents: consents, filing: filing, collectiveDecision: decision, default: statement)
    }

    /// `POST /v1/listings/{id}/review`: `{"decision": "approve|reject", "reason"}`.
    public static func review(_ reader: inout FieldReader) -> (approve: Bool, reason: String?)? {
        let decision = reader.value("decision") { text throws(InvalidValue) in
            guard text == "approve" || text == "reject" else { throw InvalidValue("approve or reject") }
            return text == "approve"
        }
        let reason = reader.string("reason", required: decision == false)
        reader.rejectUnknownFields()
        return decision.map { ($0, reason) }
    }

    public static func intent(_ reader: inout FieldReader) -> IntentApplication? {
        let buyer = ApplicationParser.holder(&reader, "buyer")
        let deposit = reader.fen("deposit_fen", allowZero: true)
        let priority = enumeration(&reader, "priority", PriorityClaim.self, required: false)
        let capacity = reader.string("capacity", required: false)
        let offer = reader.fen("offer_fen", required: false)
        reader.rejectUnknownFields()
        guard let buyer, let deposit else { return nil }
        return IntentApplication(buyer: buyer, deposit: deposit, priority: priority, capacity: capacity, offer: offer)
    }

    /// `POST /v1/listings/{id}/bids`: `{"intent", "amount_fen"}`.
    public static func bid(_ reader: inout FieldReader) -> (intent: IntentID, amount: Fen)? {
        let intent = intentID(&reader)
        let amount = reader.fen("amount_fen")
        reader.rejectUnknownFields()
        guard let intent, let amount else { return nil }
        return (intent, amount)
    }

    static func intentID(_ reader: inout FieldReader) -> IntentID? {
        reader.value("intent") { text throws(InvalidValue) in try IntentID(text) }
    }

    /// `{"intent"}`: a priority holder matching the price.
    public static func intentReference(_ reader: inout FieldReader) -> IntentID? {
        let intent = intentID(&reader)
        reader.rejectUnknownFields()
        return intent
    }

    /// `POST /v1/deals/{id}/forfeit`: `{"reason": "withdrew|did-not-sign|did-not-pay|fraud"}`.
    public static func forfeit(_ reader: inout FieldReader) -> ForfeitReason? {
        let reason = enumeration(&reader, "reason", ForfeitReason.self)
        reader.rejectUnknownFields()
        return reason
    }

    /// `POST /v1/deals/{id}/signatures`: `{"party": "transferor|transferee"}`.
    public static func signature(_ reader: inout FieldReader) -> ContractParty? {
        let party = enumeration(&reader, "party", ContractParty.self)
        reader.rejectUnknownFields()
        return party
    }

    /// `PUT /v1/exchange/rules`: any of the rule set's options; those left out keep their
    /// defaults. Bounds are the rule set's own (`ExchangeRules.problems`), checked when it is set.
    public static func rules(_ reader: inout FieldReader) -> ExchangeRules? {
        var rules = ExchangeRules()
        func option(_ name: String, _ path: WritableKeyPath<ExchangeRules, Int>) {
            if let value = reader.integer(name, required: false, in: 0...1_000_000) {
                rules[keyPath: path] = Int(value)
            }
        }
        option("announcement_working_days", \.announcementWorkingDays)
        option("auction_opening_hour", \.auctionOpeningHour)
        option("free_bidding_minutes", \.freeBiddingMinutes)
        option("timed_round_minutes", \.timedRoundMinutes)
        option("payment_working_days", \.paymentWorkingDays)
        option("priority_match_working_days", \.priorityMatchWorkingDays)
        option("priority_backups", \.priorityBackups)
        option("minimum_deposit_percent", \.minimumDepositPercent)
        option("refund_working_days", \.refundWorkingDays)
        option("forfeit_fee_percent", \.forfeitFeePercent)
        option("relist_reduction_percent", \.relistReductionPercent)
        option("maximum_attempts", \.maximumAttempts)
        if let minimum = reader.fen("minimum_deposit_fen", required: false, allowZero: true) {
            rules.minimumDeposit = minimum
        }
        if let name = reader.string("exchange_name", required: false) { rules.exchangeName = name }
        reader.rejectUnknownFields()
        return rules
    }

    /// A body with one required text field (`{"intent"}`, `{"reference"}`, `{"approval"}`).
    public static func single(_ reader: inout FieldReader, _ name: String) -> String? {
        let value = reader.string(name)
        reader.rejectUnknownFields()
        return value
    }

    public static func withdrawal(_ reader: inout FieldReader) -> WithdrawalApplication? {
        let id = reader.value("right_id") { text throws(InvalidValue) in try RightID(text) }
        let compensation = reader.fen("compensation_fen", required: false)
        let subsidy = reader.fen("subsidy_fen", required: false, allowZero: true)
        let residual = reader.fen("residual_value_fen", required: false, allowZero: true)
        let notice = reader.day("notice_on", required: false)
        let keep = reader.bool("keep_eligibility", required: false)
        let shares = reader.integer("shares", required: false, in: ShareHolding.inputRange).map(Int.init)
        let consents = ApplicationParser.consents(&reader)
        reader.rejectUnknownFields()
        guard let id, let consents else { return nil }
        return WithdrawalApplication(
            right: id, compensation: compensation, subsidy: subsidy, residualValue: residual, noticeOn: notice,
            keepEligibility: keep ?? true, shares: shares, consents: consents)
    }
}
