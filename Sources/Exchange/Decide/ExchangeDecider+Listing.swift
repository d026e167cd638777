import Foundation
import RightsRegistry

// Listing (E-1, E-2, E-3): submission, foreclosure, review and announcement.
extension ExchangeDecider {
    func submit(_ application: ListingApplication, by applicant: Applicant) async throws -> ListingSubmitted {
        guard application.kind != .foreclosureSale else {
            throw RegistryError.invalid(
                "kind", "a foreclosure sale is started by its mortgagee (POST /v1/mortgages/{id}/foreclosure)")
        }
        let right = try await requireCurrent(application.right, for: applicant, matter: application.kind.mandateMatter)
        let rules = try await reads.rules()
        try await checkOffer(application, of: right, under: rules)
        return ListingSubmitted(
            listing: ListingID(entry: registrar.nextIndex),
            terms: ListingTerms(application, seller: right.holder, submittedBy: actor, mortgage: nil),
            rules: rules, attempt: 1, previous: nil)
    }

    /// A mortgagee bank starts the sale of the collateral on default; the proceeds pay the
    /// mortgages by rank and the remainder goes to the holder (C-12).
    func foreclose(_ mortgage: EncumbranceID, _ application: ListingApplication, bank: String) async throws
        -> ListingSubmitted
    {
        guard let encumbrance = try await registrar.reads.encumbrance(mortgage), encumbrance.kind == .mortgage else {
            throw RegistryError.notFound("mortgage", mortgage.rawValue)
        }
        guard encumbrance.holder == bank else {
            throw RegistryError(code: "auth.mortgagee", message: "\(mortgage) is held by another mortgagee")
        }
        guard encumbrance.isActive(on: today) else {
            throw RegistryError.conflict("mortgage", "\(mortgage) is \(encumbrance.status(on: today).rawValue)")
        }
        // 民法典 410: the mortgage is enforced when the debt fell due unpaid — after the
        // secured claim's term began, on a stated default.
        if let term = encumbrance.term, today < term.start {
            throw RegistryError.rule(
                "CC-410", "the claim \(mortgage) secures runs from \(term.start); nothing is due yet")
        }
        guard let statement = application.default else {
            throw RegistryError.rule(
                "CC-410", "a foreclosure states the default: since when, how much, and the notice served",
                field: "default")
        }
        guard statement.since <= today, encumbrance.term.map({ statement.since >= $0.start }) ?? true else {
            throw RegistryError.rule(
                "CC-410", "the default falls within the secured claim's term and not after today",
                field: "default.since")
        }
        let right = try await requireCurrent(encumbrance.right)
        var application = application
        application.right = right.id
        application.kind = .foreclosureSale
        let rules = try await reads.rules()
        try await checkOffer(application, of: right, under: rules)
        return ListingSubmitted(
            listing: ListingID(entry: registrar.nextIndex),
            terms: ListingTerms(application, seller: right.holder, submittedBy: actor, mortgage: mortgage),
            rules: rules, attempt: 1, previous: nil)
    }

    /// What each kind may offer, the deposit the rules ask, and one live listing per right.
    func checkOffer(_ application: ListingApplication, of right: Right, under rules: ExchangeRules) async throws {
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
        let minimum = rules.minimumDeposit(for: application.price)
        guard application.deposit >= minimum else {
            throw RegistryError.rule(
                "E-1", "the 保证金 is at least \(minimum) fen (\(rules.minimumDepositPercent)% of the reserve)",
                field: "deposit_fen")
        }
        // E-2: a right is on the exchange once at a time — a second listing could be sold to a
        // second buyer who could never be given it.
        if let live = try await reads.liveListings(on: right.id).first {
            throw RegistryError.conflict(
                "listing", "\(right.id) is already on the exchange as \(live.id) (\(live.status.rawValue))")
        }
    }

    /// E-2: the operator checks the listing against the register, then announces it (E-3).
    func review(_ id: ListingID, approve: Bool, reason: String?) async throws -> ListingReviewed {
        let listing = try await reads.listing(id)
        guard listing.status == .submitted else {
            throw RegistryError.conflict("listing", "\(id) is \(listing.status.rawValue), not awaiting review")
        }
        guard approve else {
            return ListingReviewed(listing: id, approved: false, reason: reason, announcement: nil, auction: nil)
        }
        return try await announcement(of: listing, reason: reason)
    }

    /// The announcement (E-3) and bidding schedule (E-6) of a listing the register allows.
    func announcement(of listing: Listing, reason: String?) async throws -> ListingReviewed {
        let right = try await requireCurrent(listing.right)
        try await checkEncumbrances(of: right, for: listing)
        try checkConsents(listing, right)
        let procedure = listing.procedure
        let announcement = try Term(
            start: today, end: calendar.adding(workingDays: procedure.announcementWorkingDays, to: today))
        let opens = zone.instant(
            of: calendar.adding(workingDays: 1, to: announcement.end), hour: procedure.auctionOpeningHour)
        return ListingReviewed(
            listing: listing.id, approved: true, reason: reason, announcement: announcement,
            auction: AuctionSchedule(opens: opens, rules: procedure, in: zone))
    }

    /// E-2: no seizure, objection or advance notice; every mortgagee consents, or — for a sale —
    /// is paid from the proceeds at settlement. A lease pays no proceeds, so it needs consent.
    func checkEncumbrances(of right: Right, for listing: Listing) async throws {
        if let (encumbrance, cause) = try await blockingEncumbrance(on: right.id) {
            throw RegistryError.rule(
                cause.rule,
                "\(right.id) carries \(encumbrance.kind.rawValue) \(encumbrance.id) by \(encumbrance.holder)")
        }
        for encumbrance in try await registrar.reads.encumbrances(on: right.id)
        where encumbrance.kind == .mortgage && encumbrance.isActive(on: today) {
            let consented = listing.consents.contains { $0.party == .mortgagee && $0.by == encumbrance.holder }
            if listing.kind == .lease, !consented {
                throw RegistryError.rule(
                    "E-2", "\(right.id) is mortgaged to \(encumbrance.holder), whose written consent the lease needs",
                    field: "consents")
            }
        }
    }

    /// The consents and filings the rule book requires of each kind of sale.
    func checkConsents(_ listing: Listing, _ right: Right) throws {
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
            guard let decision = listing.collectiveDecision, decision.carried, !decision.townshipApproval.isEmpty else {
                throw RegistryError.rule(
                    "L-25",
                    "a collective sells only on a two-thirds vote of its members or representatives and the 乡镇's approval",
                    field: "collective_decision")
            }
        }
    }

    /// 流拍: the next attempt, at the reserve lowered by the rule's step and announced at once
    /// (the seller's application and the review stand), if attempts remain and the register
    /// still allows the sale; otherwise nothing.
    func relisting(of listing: Listing) async throws -> [any RegistryEvent] {
        let procedure = listing.procedure
        guard listing.attempt < procedure.maximumAttempts else { return [] }
        var terms = listing.terms
        terms.price = procedure.relistedReserve(listing.price)
        // Each listing ID is its submission's entry: the close is the entry before it.
        let id = ListingID(entry: registrar.nextIndex + 1)
        let next = Listing(
            id: id, terms: terms, rules: procedure, attempt: listing.attempt + 1, previous: listing.id)
        guard let reviewed = try? await announcement(of: next, reason: "流拍后第\(next.attempt)次挂牌") else {
            return []
        }
        return [
            ListingSubmitted(
                listing: id, terms: terms, rules: procedure, attempt: next.attempt, previous: listing.id),
            reviewed,
        ]
    }
}
