import Foundation
public import RightsRegistry

/// The exchange's configurable procedure; what a listing is decided under is copied into it
/// (its announcement, its bidding window), so the log alone shows the terms each listing ran on.
public struct ExchangeRules: Sendable, Hashable {
    /// E-3: at least 7 (working) days on the notice board.
    public var announcementWorkingDays = 7
    /// E-6: bidding opens on the first working day after the announcement, at this hour…
    public var auctionOpeningHour = 9
    /// …and runs this long (the example lot: 6 hours of 阶梯竞价)…
    public var auctionMinutes = 360
    /// …and a bid in the last minutes moves the end so this many remain.
    public var extensionMinutes = 5
    /// E-6: the winner pays within 3 working days or forfeits the deposit.
    public var paymentWorkingDays = 3
    /// L-18: the reasonable period, stated in the notice, for priority holders to match.
    public var priorityMatchWorkingDays = 2
    /// The exchange's name, as printed on its 交易鉴证书 (E-8).
    public var exchangeName = "农村产权交易中心"

    public init() {}
}

/// Who applies: the exchange desk on a party's own (paper) application, an agent under a
/// registered mandate (FLM-8), or a bank for its own mortgage.
public enum Applicant: Sendable, Hashable {
    case desk
    case agent(party: String)
    case bank(party: String)
}

/// The rural property exchange (E-1…E-9) on top of the register: listings, intents, bids,
/// deals, settlement, and voluntary paid withdrawals. Every step is a log entry decided against
/// the register's current state; settlement appends the registry act(s) and the exchange's
/// entries in one transaction.
public struct ExchangeService: Sendable {
    public let registry: Registry
    public let rules: ExchangeRules

    public init(registry: Registry, rules: ExchangeRules = ExchangeRules()) {
        self.registry = registry
        self.rules = rules
    }

    // MARK: Reads

    public func listing(_ id: String) async throws -> Listing { try await load(Listing.self, id, "listing") }
    public func deal(_ id: String) async throws -> Deal { try await load(Deal.self, id, "deal") }
    public func withdrawal(_ id: String) async throws -> Withdrawal {
        try await load(Withdrawal.self, id, "withdrawal")
    }

    /// The notice board: listings, optionally of one status, in ID order.
    public func listings(status: ListingStatus?, after: String?, limit: Int) async throws -> [Listing] {
        let filters: [ColumnFilter] = status.map { [.equals("status", $0.rawValue)] } ?? []
        return try await registry.store.documents(Listing.table, where: filters, after: after, limit: limit)
            .map { try JSONValueDecoder().decode(Listing.self, from: $0) }
    }

    func load<E: Entity>(_ type: E.Type, _ id: String, _ name: String) async throws -> E {
        guard let document = try await registry.store.document(E.key(id)) else {
            throw RegistryError.notFound(name, id)
        }
        return try JSONValueDecoder().decode(E.self, from: document)
    }

    // MARK: Listing (E-1, E-2, E-3)

    public func submit(_ application: ListingApplication, by applicant: Applicant, actor: String) async throws
        -> Listing
    {
        guard application.kind != .foreclosureSale else {
            throw RegistryError.invalid(
                "kind", "a foreclosure sale is started by its mortgagee (POST /v1/mortgages/{id}/foreclosure)")
        }
        let entry = try await registry.perform(actor: actor) { registrar in
            let right = try await requireCurrent(
                application.right, for: applicant, matter: application.kind.mandateMatter, registrar)
            try Self.checkOffer(application, of: right)
            return ListingSubmitted(listing: Self.listing(application, id: "L\(registrar.nextIndex)", right, actor))
        }[0]
        return try await listing("L\(entry.index)")
    }

    /// A mortgagee bank starts the sale of the collateral on default; the proceeds pay the
    /// mortgages by rank and the remainder goes to the holder (C-12).
    public func foreclose(_ mortgage: EncumbranceID, _ application: ListingApplication, bank: String, actor: String)
        async throws -> Listing
    {
        let entry = try await registry.perform(actor: actor) { registrar in
            guard let encumbrance = try await registrar.reads.encumbrance(mortgage), encumbrance.kind == .mortgage
            else { throw RegistryError.notFound("mortgage", mortgage.rawValue) }
            guard encumbrance.holder == bank else {
                throw RegistryError(code: "auth.mortgagee", message: "\(mortgage) is held by another mortgagee")
            }
            guard encumbrance.isActive(on: registrar.today) else {
                throw RegistryError.conflict(
                    "mortgage", "\(mortgage) is \(encumbrance.status(on: registrar.today).rawValue)")
            }
            // 民法典 410: the mortgage is enforced when the debt fell due unpaid — after the
            // secured claim's term began, on a stated default.
            if let term = encumbrance.term, registrar.today < term.start {
                throw RegistryError.rule(
                    "CC-410", "the claim \(mortgage) secures runs from \(term.start); nothing is due yet")
            }
            guard let statement = application.default else {
                throw RegistryError.rule(
                    "CC-410", "a foreclosure states the default: since when, how much, and the notice served",
                    field: "default")
            }
            guard statement.since <= registrar.today, encumbrance.term.map({ statement.since >= $0.start }) ?? true
            else {
                throw RegistryError.rule(
                    "CC-410", "the default falls within the secured claim's term and not after today",
                    field: "default.since")
            }
            let right = try await requireCurrent(encumbrance.right, registrar)
            var application = application
            application.right = right.id
            application.kind = .foreclosureSale
            var listing = Self.listing(application, id: "L\(registrar.nextIndex)", right, actor)
            listing.mortgage = mortgage
            listing.default = statement
            return ListingSubmitted(listing: listing)
        }[0]
        return try await listing("L\(entry.index)")
    }

    static func listing(_ application: ListingApplication, id: String, _ right: Right, _ actor: String) -> Listing {
        Listing(
            id: id, kind: application.kind, right: right.id, seller: right.holder, submittedBy: actor,
            price: application.price, increment: application.increment, deposit: application.deposit,
            lease: application.lease, shares: application.shares, consents: application.consents,
            filing: application.filing, collectiveDecision: application.collectiveDecision, mortgage: nil)
    }

    /// What each kind may offer.
    static func checkOffer(_ application: ListingApplication, of right: Right) throws {
        let allowed: [RightKind]
        switch application.kind {
        case .lease: allowed = [.contractLand, .landManagement]
        case .transfer, .foreclosureSale: allowed = [.contractLand, .homestead, .landManagement, .collectiveShare]
        case .shareSale: allowed = [.collectiveShare]
        }
        guard allowed.contains(right.kind) else {
            throw RegistryError.invalid(
                "kind", "a \(application.kind.rawValue) listing cannot offer a \(right.kind.rawValue) right")
        }
        if application.kind == .lease, application.lease == nil {
            throw RegistryError.invalid("lease", "a lease listing states the lease's term and use")
        }
        if application.kind != .lease, application.lease != nil {
            throw RegistryError.invalid("lease", "only a lease listing states a lease")
        }
        if case .collectiveShare(let holding) = right.detail, let shares = application.shares,
            shares > holding.shares
        {
            throw RegistryError.invalid("shares", "\(right.id) holds \(holding.shares) shares")
        }
    }

    /// E-2: the operator checks the listing against the register, then announces it (E-3).
    public func review(_ id: String, approve: Bool, reason: String?, actor: String) async throws -> Listing {
        try await registry.perform(actor: actor) { registrar in
            let listing = try await load(Listing.self, id, "listing")
            guard listing.status == .submitted else {
                throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not awaiting review")
            }
            guard approve else {
                return ListingReviewed(listing: id, approved: false, reason: reason, announcement: nil, auction: nil)
            }
            let right = try await requireCurrent(listing.right, registrar)
            try await checkEncumbrances(of: right, for: listing, registrar)
            try Self.checkConsents(listing, right, registrar)
            let calendar = registrar.policy.calendar
            let announcement = try Term(
                start: registrar.today,
                end: calendar.adding(workingDays: rules.announcementWorkingDays, to: registrar.today))
            let opens = registry.timeZone.instant(
                of: calendar.adding(workingDays: 1, to: announcement.end), hour: rules.auctionOpeningHour)
            let window = AuctionWindow(
                opensAt: registry.timeZone.timestamp(of: opens),
                endsAt: registry.timeZone.timestamp(of: opens.addingTimeInterval(Double(rules.auctionMinutes * 60))),
                extensionMinutes: rules.extensionMinutes)
            return ListingReviewed(
                listing: id, approved: true, reason: reason, announcement: announcement, auction: window)
        }
        return try await listing(id)
    }

    /// E-2: no seizure, objection or advance notice; every mortgagee consents, or — for a sale —
    /// is paid from the proceeds at settlement. A lease pays no proceeds, so it needs consent.
    func checkEncumbrances(of right: Right, for listing: Listing, _ registrar: Registrar) async throws {
        for encumbrance in try await registrar.reads.encumbrances(on: right.id)
        where encumbrance.isActive(on: registrar.today) {
            switch encumbrance.kind {
            case .seizure:
                throw RegistryError.rule("SPC-15", "\(right.id) is seized (查封) by \(encumbrance.holder)")
            case .objection:
                throw RegistryError.rule("C-5", "\(right.id) is disputed (异议 by \(encumbrance.holder))")
            case .advanceNotice:
                throw RegistryError.rule("C-6", "\(right.id) is promised by advance notice \(encumbrance.id)")
            case .mortgage:
                let consented = listing.consents.contains { $0.party == .mortgagee && $0.by == encumbrance.holder }
                if listing.kind == .lease, !consented {
                    throw RegistryError.rule(
                        "E-2",
                        "\(right.id) is mortgaged to \(encumbrance.holder), whose written consent the lease needs",
                        field: "consents")
                }
            }
        }
    }

    /// The consents and filings the rule book requires of each kind of sale.
    static func checkConsents(_ listing: Listing, _ right: Right, _ registrar: Registrar) throws {
        func requireConsent(_ party: ConsentParty, _ rule: String, _ what: String) throws {
            guard listing.consents.contains(where: { $0.party == party }) else {
                throw RegistryError.rule(rule, what, field: "consents")
            }
        }
        switch (listing.kind, right.detail) {
        case (.lease, .contractLand):
            guard listing.filing != nil else {
                throw RegistryError.rule("L-16", "a 流转 of 土地经营权 is filed (备案) with the 发包方", field: "filing")
            }
        case (.lease, .landManagement), (.transfer, .landManagement), (.foreclosureSale, .landManagement):
            try requireConsent(.contractHolder, "L-23", "再流转 needs the written consent of the contract holder")
            guard listing.filing != nil else {
                throw RegistryError.rule("L-23", "再流转 is filed (备案) with the collective", field: "filing")
            }
        case (.transfer, .contractLand), (.foreclosureSale, .contractLand):
            try requireConsent(.contractingParty, "L-14", "a transfer of contract land needs the 发包方's written consent")
        case (.transfer, .homestead):
            guard registrar.policy.isHomesteadTransferPilot(right.region) else {
                throw RegistryError.rule(
                    "H-12",
                    "\(right.region) is not a homestead transfer pilot region; the exchange lists no homestead there",
                    field: "kind")
            }
        default:
            break
        }
        if let lease = listing.lease, let term = right.term, lease.term.end > term.end {
            throw RegistryError.rule(
                "L-17", "the lease ends \(lease.term.end), after what remains of \(right.id) (ends \(term.end))",
                field: "lease.term.end")
        }
        if case .collective = listing.seller {
            // L-25: collective assets go to outsiders only on a two-thirds vote and the 乡镇's approval.
            guard let decision = listing.collectiveDecision, decision.carried,
                !decision.townshipApproval.isEmpty
            else {
                throw RegistryError.rule(
                    "L-25",
                    "a collective sells only on a two-thirds vote of its members or representatives and the 乡镇's approval",
                    field: "collective_decision")
            }
        }
    }

    // MARK: Intents (E-4)

    public func registerIntent(_ id: String, _ application: IntentApplication, by applicant: Applicant, actor: String)
        async throws -> Intent
    {
        let entry = try await registry.perform(actor: actor) { registrar in
            let listing = try await load(Listing.self, id, "listing")
            let buyer = application.buyer
            try await requireMandate(applicant, for: buyer, matter: .purchase, registrar)
            guard listing.status == .announced, let announcement = listing.announcement else {
                throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not on the notice board")
            }
            guard announcement.contains(registrar.today) else {
                throw RegistryError.rule("E-4", "buyers register within the announcement, \(announcement)")
            }
            guard application.deposit == listing.deposit else {
                throw RegistryError.rule(
                    "E-4", "the 保证金 for \(id) is \(listing.deposit) fen", field: "deposit_fen")
            }
            guard buyer != listing.seller else { throw RegistryError.invalid("buyer", "the seller cannot buy") }
            guard !listing.intents.contains(where: { $0.buyer == buyer }) else {
                throw RegistryError.conflict("intent", "\(buyer.masked) is already registered for \(id)")
            }
            try await requireCapacity(buyer, registrar)
            if listing.kind == .lease, application.capacity?.isEmpty ?? true {
                throw RegistryError.rule(
                    "L-17", "a 土地经营权 goes to a transferee with agricultural operating ability or qualifications",
                    field: "capacity")
            }
            if let offer = application.offer, offer < listing.price {
                throw RegistryError.rule("E-5", "the offer is below the reserve \(listing.price)", field: "offer_fen")
            }
            if let claim = application.priority {
                try await checkPriority(claim, of: buyer, on: listing, registrar)
            }
            // Eligibility is the register's: the act settlement would perform must be allowed now.
            do {
                _ = try await registrar.decide(try Self.registryAct(for: listing, buyer: buyer, price: listing.price))
            } catch let error as RegistryError where ["to", "holder"].contains(error.field) {
                throw RegistryError(code: error.code, message: error.reason, field: "buyer")
            }
            return IntentRegistered(
                listing: id,
                intent: Intent(
                    id: "I\(registrar.nextIndex)", buyer: buyer, deposit: application.deposit,
                    priority: application.priority, capacity: application.capacity, offer: application.offer))
        }[0]
        guard let intent = try await listing(id).intent("I\(entry.index)") else {
            throw RegistryError.notFound("intent", "I\(entry.index)")
        }
        return intent
    }

    /// Full civil capacity (民法典 art. 18): a person buyer, or a household's head, is of age.
    func requireCapacity(_ buyer: Holder, _ registrar: Registrar) async throws {
        let person: CitizenID?
        switch buyer {
        case .person(let id): person = id
        case .household(let code): person = try await registrar.reads.household(code)?.head.idNumber
        case .organisation, .collective: person = nil
        }
        if let person, !person.isAdult(on: registrar.today) {
            throw RegistryError.rule("E-4", "the buyer must have full civil capacity (18 or older)", field: "buyer")
        }
    }

    /// L-17(5), L-18: members of the collective have priority on 流转 of its contract land;
    /// FLM-10: the lessee whose lease of this land has ended has the first renewal right.
    func checkPriority(_ claim: PriorityClaim, of buyer: Holder, on listing: Listing, _ registrar: Registrar)
        async throws
    {
        let right = try await requireCurrent(listing.right, registrar)
        switch claim {
        case .member:
            guard listing.kind == .lease || listing.kind == .transfer, right.kind == .contractLand else {
                throw RegistryError.rule(
                    "L-18", "the members' priority right applies to 流转 of contract land", field: "priority")
            }
            guard try await registrar.isMember(buyer, of: right.collective) else {
                throw RegistryError.rule(
                    "L-18", "\(buyer.masked) is not a member of collective \(right.collective)", field: "priority")
            }
        case .renewal:
            let leases = try await registrar.reads.rights(
                RightQuery(holder: buyer, kind: .landManagement, parent: right.id))
            guard listing.kind == .lease, leases.contains(where: { $0.status(on: registrar.today) == .expired }) else {
                throw RegistryError.rule(
                    "FLM-10", "\(buyer.masked) held no lease of \(right.id) that has ended", field: "priority")
            }
        }
    }

    // MARK: Bids (E-6)

    public func bid(_ id: String, intent intentID: String, amount: Fen, by applicant: Applicant, actor: String)
        async throws -> Listing
    {
        try await registry.perform(actor: actor) { registrar in
            let listing = try await load(Listing.self, id, "listing")
            guard let intent = listing.intent(intentID) else {
                throw RegistryError.rule("E-6", "only registered buyers with a deposit bid", field: "intent")
            }
            try await requireMandate(applicant, for: intent.buyer, matter: .purchase, registrar)
            guard listing.status == .announced || listing.status == .auction, let window = listing.auction else {
                throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not open for bids")
            }
            guard intent.depositStatus == .held else {
                throw RegistryError.rule("E-6", "only registered buyers with a deposit bid", field: "intent")
            }
            guard listing.activeIntents.count >= 2 else {
                throw RegistryError.rule("E-5", "with one qualified buyer the deal is negotiated, not auctioned")
            }
            let now = registrar.now
            guard Auction.isOpen(window, at: now) else {
                throw RegistryError.rule(
                    "E-6",
                    now < window.opens
                        ? "bidding opens at \(window.opensAt)" : "bidding ended at \(window.endsAt)")
            }
            if let refusal = Auction.refusal(of: amount, in: listing) {
                throw RegistryError.rule("E-6", refusal, field: "amount_fen")
            }
            return BidPlaced(
                listing: id, intent: intentID, amount: amount, at: registry.timeZone.timestamp(of: now),
                endsAt: registry.timeZone.timestamp(of: Auction.end(of: window, afterBidAt: now)))
        }
        return try await listing(id)
    }

    // MARK: Closing (E-5)

    /// After the announcement (one buyer: a negotiated deal; none: 流拍), after the auction (the
    /// best bid, unless a priority holder may still match it), or after the matching period.
    public func close(_ id: String, actor: String) async throws -> Listing {
        try await registry.perform(actor: actor) { registrar in
            let listing = try await load(Listing.self, id, "listing")
            switch listing.status {
            case .announced:
                guard let announcement = listing.announcement, registrar.today > announcement.end else {
                    throw RegistryError.rule(
                        "E-5", "the announcement runs until \(listing.announcement?.end.description ?? "?")")
                }
                let intents = listing.activeIntents
                if intents.isEmpty {
                    return ListingClosed(listing: id, outcome: .failed, reason: "no qualified buyer registered (流拍)")
                }
                if intents.count == 1 {
                    let deal = makeDeal(listing, intents[0], intents[0].offer ?? listing.price, .negotiated, registrar)
                    return ListingClosed(listing: id, outcome: .deal, deal: deal)
                }
                return try closeAuction(listing, registrar)
            case .auction:
                return try closeAuction(listing, registrar)
            case .matching:
                guard let matching = listing.matching, registrar.today > matching.until,
                    let leader = listing.intent(matching.leader)
                else {
                    throw RegistryError.rule(
                        "L-18", "priority holders may match until \(listing.matching?.until.description ?? "?")")
                }
                let deal = makeDeal(listing, leader, matching.price, .auction, registrar)
                return ListingClosed(listing: id, outcome: .deal, deal: deal)
            default:
                throw RegistryError.conflict(
                    "listing", "\(id) is \(listing.status.rawValue); there is nothing to close")
            }
        }
        return try await listing(id)
    }

    func closeAuction(_ listing: Listing, _ registrar: Registrar) throws -> ListingClosed {
        guard let window = listing.auction, registrar.now >= window.ends else {
            throw RegistryError.rule("E-6", "bidding runs until \(listing.auction?.endsAt ?? "?")")
        }
        guard let best = listing.leadingBid, let winner = listing.intent(best.intent) else {
            return ListingClosed(
                listing: listing.id, outcome: .failed, refunds: listing.activeIntents.map(\.id),
                reason: "no bid (流拍)")
        }
        if !Self.outranking(winner, in: listing).isEmpty {
            let until = registrar.policy.calendar.adding(
                workingDays: rules.priorityMatchWorkingDays, to: registrar.today)
            return ListingClosed(
                listing: listing.id, outcome: .matching,
                matching: PriorityMatching(price: best.amount, leader: winner.id, until: until))
        }
        return ListingClosed(
            listing: listing.id, outcome: .deal, deal: makeDeal(listing, winner, best.amount, .auction, registrar))
    }

    /// The registered buyers whose priority outranks `winner`'s: the previous lessee first
    /// (FLM-10), then members (L-18), then everyone else.
    static func outranking(_ winner: Intent, in listing: Listing) -> [Intent] {
        func rank(_ intent: Intent) -> Int {
            switch intent.priority {
            case .renewal: 2
            case .member: 1
            case nil: 0
            }
        }
        let others = listing.activeIntents.filter { $0.id != winner.id && rank($0) > rank(winner) }
        let top = others.map(rank).max()
        return others.filter { rank($0) == top }
    }

    func makeDeal(_ listing: Listing, _ intent: Intent, _ price: Fen, _ basis: DealBasis, _ registrar: Registrar)
        -> Deal
    {
        Deal(
            id: "D\(registrar.nextIndex)", listing: listing, intent: intent, price: price, basis: basis,
            due: registrar.policy.calendar.adding(workingDays: rules.paymentWorkingDays, to: registrar.today))
    }

    /// L-18: a priority holder matches the best price within the period and takes the deal on
    /// equal terms.
    public func matchPriority(_ id: String, intent intentID: String, by applicant: Applicant, actor: String)
        async throws -> Deal
    {
        let entry = try await registry.perform(actor: actor) { registrar in
            let listing = try await load(Listing.self, id, "listing")
            if let claimed = listing.intent(intentID) {
                try await requireMandate(applicant, for: claimed.buyer, matter: .purchase, registrar)
            }
            guard listing.status == .matching, let matching = listing.matching,
                let leader = listing.intent(matching.leader)
            else {
                throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not open to matching")
            }
            guard registrar.today <= matching.until else {
                throw RegistryError.rule("L-18", "the period to claim the priority right ended on \(matching.until)")
            }
            guard let intent = Self.outranking(leader, in: listing).first(where: { $0.id == intentID }) else {
                throw RegistryError.rule(
                    "L-18", "\(intentID) holds no priority right that outranks the best bidder's", field: "intent")
            }
            return PriorityMatched(
                listing: id, deal: makeDeal(listing, intent, matching.price, .priority, registrar))
        }[0]
        return try await deal("D\(entry.index)")
    }

    // MARK: Settlement (E-6…E-9)

    /// The register's act that settles `listing` in favour of `buyer`.
    static func registryAct(for listing: Listing, buyer: Holder, price: Fen) throws -> RegistryAct {
        switch listing.kind {
        case .lease:
            guard let lease = listing.lease else {
                throw RegistryError(code: "integrity.listing", message: "lease listing \(listing.id) states no lease")
            }
            return .registerRight(
                RightApplication(
                    subject: .landManagement(
                        parent: listing.right, holder: buyer, parcels: nil, method: .lease, use: lease.use,
                        filing: listing.filing, consents: listing.consents, rent: Rent(annual: price, over: lease.term)),
                    term: lease.term, origin: .transfer))
        case .transfer, .shareSale, .foreclosureSale:
            return .onRight(
                listing.right,
                .transfer(
                    Transfer(
                        to: buyer, shares: listing.shares, consents: listing.consents,
                        disposal: listing.kind == .foreclosureSale ? "foreclosure" : "sale", filing: listing.filing)))
        }
    }

    /// Payment confirmed: in one transaction, the registry act, the release of mortgages paid from
    /// the proceeds (by rank), the refund of every other deposit, and the settlement entry that
    /// the 交易鉴证书 attests.
    public func confirmPayment(_ id: String, reference: String, actor: String) async throws -> Deal {
        try await registry.performAll(actor: actor) { registrar in
            let deal = try await load(Deal.self, id, "deal")
            guard deal.status == .awaitingPayment else {
                throw RegistryError.conflict("deal", "\(id) is \(deal.status.rawValue)")
            }
            guard registrar.today <= deal.due else {
                throw RegistryError.rule("E-6", "payment was due by \(deal.due); the deal is to be forfeited")
            }
            let listing = try await load(Listing.self, deal.listing, "listing")
            let act = try await registrar.decide(
                try Self.registryAct(for: listing, buyer: deal.buyer, price: deal.price))
            var events: [any RegistryEvent] = [act]
            let resulting: RightID
            switch act {
            case let registered as RightRegistered: resulting = registered.id
            case let transferred as RightTransferred: resulting = transferred.target
            default: resulting = listing.right
            }
            let payouts = try await Self.payouts(of: deal, listing, act: act, registrar)
            events += payouts.events
            events.append(
                DealSettled(
                    deal: id, listing: listing.id, payment: reference, registryEntry: registrar.nextIndex,
                    resultingRight: resulting, refunds: listing.activeIntents.map(\.id).filter { $0 != deal.intent },
                    payouts: payouts.payouts,
                    attestation: attestation(deal, listing, resulting, registryEntry: registrar.nextIndex, registrar)))
            return events
        }
        return try await deal(id)
    }

    /// Who is paid from a sale's proceeds (C-12), and what that does to the mortgages on what was
    /// sold. A foreclosure pays every mortgage by rank as far as the proceeds go and clears the
    /// title (the enforced sale ends them all). A voluntary sale pays each mortgage on what
    /// passes by rank, unless its mortgagee agreed in writing that the mortgage goes with the
    /// right; a mortgage paid in full ends, one paid in part follows the right to the buyer for
    /// what is still owed (民法典 406). Nothing is released that was not paid or agreed.
    static func payouts(of deal: Deal, _ listing: Listing, act: any RegistryEvent, _ registrar: Registrar)
        async throws -> (payouts: [Payout], events: [any RegistryEvent])
    {
        guard listing.kind != .lease, let transfer = act as? RightTransferred else { return ([], []) }
        let carried = Set((transfer.carried?.encumbrances ?? []).map(\.id))
        let enforced = listing.kind == .foreclosureSale
        let mortgages = try await registrar.reads.encumbrances(on: listing.right)
            .filter { $0.kind == .mortgage && $0.isActive(on: registrar.today) }
            .filter { transfer.target == transfer.right || carried.contains($0.id) }
            .sorted { $0.registeredAt < $1.registeredAt }
        var remaining = deal.price
        var payouts: [Payout] = []
        var events: [any RegistryEvent] = []
        for mortgage in mortgages {
            if !enforced, listing.consents.contains(where: { $0.party == .mortgagee && $0.by == mortgage.holder }) {
                continue
            }
            let paid = min(remaining, mortgage.outstanding)
            remaining = remaining - paid
            let releases = enforced || paid == mortgage.outstanding
            payouts.append(Payout(to: mortgage.holder, mortgage: mortgage.id, amount: paid))
            events.append(
                MortgagePaid(
                    mortgage: mortgage.id, right: transfer.target, amount: paid, releases: releases,
                    by: enforced ? "exchange:foreclosure \(deal.id)" : "exchange:sale \(deal.id)"))
        }
        if !payouts.isEmpty { payouts.append(Payout(to: listing.seller.rawValue, mortgage: nil, amount: remaining)) }
        return (payouts, events)
    }

    /// The statement of the 交易鉴证书 (E-8, FLM-25), logged with the settlement.
    func attestation(
        _ deal: Deal, _ listing: Listing, _ resulting: RightID, registryEntry: UInt64, _ registrar: Registrar
    ) -> JSONValue {
        var statement: [String: JSONValue] = [
            "type": "rights-transaction",
            "attestation_no": .string("\(rules.exchangeName)鉴证(\(registrar.today.year))\(deal.id)号"),
            "exchange": .string(rules.exchangeName),
            "deal_id": .string(deal.id),
            "listing_id": .string(listing.id),
            "listing_kind": .string(listing.kind.rawValue),
            "basis": .string(deal.basis.rawValue),
            "right_id": .string(listing.right.rawValue),
            "resulting_right": .string(resulting.rawValue),
            "seller": .string(deal.seller.rawValue),
            "buyer": .string(deal.buyer.rawValue),
            "price_fen": .number(Double(deal.price.value)),
            "settled_on": .string(registrar.today.description),
            "registry_entry": .number(Double(registryEntry)),
        ]
        if let lease = listing.lease {
            statement["lease"] = [
                "term": ["start": .string(lease.term.start.description), "end": .string(lease.term.end.description)],
                "use": .string(lease.use), "annual_rent_fen": .number(Double(deal.price.value)),
            ]
        }
        if let shares = listing.shares { statement["shares"] = .number(Double(shares)) }
        return .object(statement)
    }

    /// E-6: the buyer did not pay in time; its deposit is forfeited and the listing falls to the
    /// next bidder at that bidder's best bid, or fails (every other deposit refunded).
    public func forfeit(_ id: String, actor: String) async throws -> (forfeited: Deal, next: Deal?) {
        try await registry.perform(actor: actor) { registrar in
            let deal = try await load(Deal.self, id, "deal")
            guard deal.status == .awaitingPayment else {
                throw RegistryError.conflict("deal", "\(id) is \(deal.status.rawValue)")
            }
            guard registrar.today > deal.due else {
                throw RegistryError.rule("E-6", "the buyer may pay until \(deal.due)")
            }
            let listing = try await load(Listing.self, deal.listing, "listing")
            let remaining = listing.activeIntents.filter { $0.id != deal.intent }
            let next = Auction.ranking(of: listing.bids).first { bid in remaining.contains { $0.id == bid.intent } }
            guard let next, let intent = listing.intent(next.intent) else {
                return DealForfeited(
                    deal: id, listing: listing.id, intent: deal.intent, next: nil, refunds: remaining.map(\.id))
            }
            return DealForfeited(
                deal: id, listing: listing.id, intent: deal.intent,
                next: makeDeal(listing, intent, next.amount, .auction, registrar), refunds: [])
        }
        let forfeited = try await deal(id)
        guard let next = try await listing(forfeited.listing).deal, next != id else { return (forfeited, nil) }
        return (forfeited, try await deal(next))
    }

    // MARK: Voluntary paid withdrawal (自愿有偿退出)

    public func applyWithdrawal(_ application: WithdrawalApplication, by applicant: Applicant, actor: String)
        async throws -> Withdrawal
    {
        let entry = try await registry.perform(actor: actor) { registrar in
            let right = try await requireCurrent(application.right, for: applicant, matter: .withdrawal, registrar)
            let compensation: Fen?
            switch right.detail {
            case .contractLand:
                guard application.noticeOn != nil else {
                    throw RegistryError.rule(
                        "L-10", "the 发包方 is given written notice six months ahead", field: "notice_on")
                }
                compensation = application.compensation
            case .homestead:
                // H-9: a surrender subsidy plus the house's residual value.
                guard let subsidy = application.subsidy, let residual = application.residualValue else {
                    throw RegistryError.rule(
                        "H-9", "the collective pays a surrender subsidy and the house's residual value",
                        field: application.subsidy == nil ? "subsidy_fen" : "residual_value_fen")
                }
                compensation = Fen(subsidy.value + residual.value)
            case .collectiveShare(let holding):
                if let shares = application.shares, shares > holding.shares {
                    throw RegistryError.invalid("shares", "\(right.id) holds \(holding.shares) shares")
                }
                compensation = application.compensation
            case .landManagement:
                throw RegistryError.invalid(
                    "right_id", "a 土地经营权 ends with its term or by termination (L-22), not by withdrawal")
            }
            guard let compensation, compensation > .zero else {
                throw RegistryError.rule("L-10", "a withdrawal is paid (有偿)", field: "compensation_fen")
            }
            if case .household(let code) = right.holder, let household = try await registrar.reads.household(code),
                !household.members.isEmpty, !application.consents.contains(where: { $0.party == .coHolders })
            {
                throw RegistryError.rule(
                    "L-10", "a withdrawal is voluntary: every co-holder of household \(code) consents in writing",
                    field: "consents")
            }
            return WithdrawalApplied(
                withdrawal: Withdrawal(
                    id: "W\(registrar.nextIndex)", right: right, compensation: compensation,
                    subsidy: application.subsidy, residualValue: application.residualValue,
                    noticeOn: application.noticeOn, keepEligibility: application.keepEligibility,
                    shares: application.shares, consents: application.consents))
        }[0]
        return try await withdrawal("W\(entry.index)")
    }

    public func approveWithdrawal(_ id: String, approval: String, actor: String) async throws -> Withdrawal {
        try await registry.perform(actor: actor) { _ in
            let withdrawal = try await load(Withdrawal.self, id, "withdrawal")
            guard withdrawal.status == .applied else {
                throw RegistryError.conflict("withdrawal", "\(id) is \(withdrawal.status.rawValue)")
            }
            return WithdrawalApproved(withdrawal: id, approval: approval)
        }
        return try await withdrawal(id)
    }

    /// The collective paid: the register takes the right back (its own rules: L-10's six months,
    /// H-9's choice, the redemption cap) in the same transaction as the payment entry.
    public func payWithdrawal(_ id: String, reference: String, actor: String) async throws -> Withdrawal {
        try await registry.performAll(actor: actor) { registrar in
            let withdrawal = try await load(Withdrawal.self, id, "withdrawal")
            guard withdrawal.status == .approved, let approval = withdrawal.approval else {
                throw RegistryError.conflict(
                    "withdrawal", "\(id) is \(withdrawal.status.rawValue); the collective approves before it pays")
            }
            let surrender = try await registrar.decide(
                .onRight(withdrawal.right, .surrender(withdrawal.surrender(approval: approval))))
            return [surrender, WithdrawalPaid(withdrawal: id, payment: reference)]
        }
        return try await withdrawal(id)
    }

    // MARK: Shared checks

    /// The right, current; with an applicant, only after its standing is checked, so an agent
    /// without a mandate learns nothing of the right's state.
    func requireCurrent(
        _ id: RightID, for applicant: Applicant? = nil, matter: MandateMatter = .purchase, _ registrar: Registrar
    ) async throws -> Right {
        guard let right = try await registrar.reads.right(id) else {
            throw RegistryError.notFound("right", id.rawValue)
        }
        if let applicant { try await requireMandate(applicant, for: right.holder, matter: matter, registrar) }
        let status = right.status(on: registrar.today)
        guard status == .current else {
            throw RegistryError.conflict("right", "\(id) is \(status.rawValue), not current")
        }
        return right
    }

    /// E-1, FLM-8: an agent acts for a party only under a registered 委托书 in force that covers
    /// the matter.
    func requireMandate(_ applicant: Applicant, for principal: Holder, matter: MandateMatter, _ registrar: Registrar)
        async throws
    {
        guard case .agent(let party) = applicant else { return }
        let mandates = try await registrar.reads.mandates(agent: party)
        guard mandates.contains(where: { $0.principal == principal && $0.covers(matter, on: registrar.today) }) else {
            throw RegistryError(
                code: "auth.mandate",
                message: "\(party) holds no registered 委托书 (FLM-8) from \(principal.masked) covering \(matter.rawValue)"
            )
        }
    }
}

extension ExchangeService {
    /// The 交易鉴证书 (E-8) of a settled deal: the JWS of its settlement entry's attestation,
    /// signed with the registry's certificate key, and with `withProof` the bundle that binds the
    /// entry to a signed checkpoint — so `rights certificate verify` checks it like a certificate.
    public func attestation(_ id: String, withProof: Bool) async throws -> CertificateExport {
        guard let keys = registry.keys else { throw RegistryError.unavailable("signing needs the keys") }
        let deal = try await deal(id)
        guard deal.status == .settled, let index = deal.settlementEntry,
            let entry = try await registry.store.entry(index),
            case .object(var payload)? = entry.payload["attestation"]
        else {
            throw RegistryError.conflict("deal", "\(id) is \(deal.status.rawValue); the 交易鉴证书 is issued at settlement")
        }
        payload["registry"] = .string(keys.origin)
        payload["log_index"] = .number(Double(entry.index))
        payload["leaf_hash"] = .string(entry.leafHash.base64)
        let jws = try JWS.sign(payload: .object(payload), type: Self.attestationType, with: keys.currentCertificateKey)
        return CertificateExport(jws: jws, proof: withProof ? try await registry.proof(of: entry) : nil)
    }

    public static let attestationType = "rights-transaction+jws"
}
