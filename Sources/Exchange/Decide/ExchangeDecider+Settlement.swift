import RightsRegistry

// Settlement (E-6…E-9): the contract signed by both parties, payment confirmed and the register
// changed in one transaction, or a forfeit for the buyer's own default.
extension ExchangeDecider {
    /// E-7: a party signs the contract (the desk records a paper signature; an agent signs for
    /// its principal under a mandate that covers the matter).
    func sign(_ id: DealID, as party: ContractParty, by applicant: Applicant) async throws -> ContractSigned {
        let deal = try await reads.deal(id)
        switch party {
        case .transferor: try await requireMandate(applicant, for: deal.seller, matter: deal.kind.mandateMatter)
        case .transferee: try await requireMandate(applicant, for: deal.buyer, matter: .purchase)
        }
        try requireRunning(try await reads.listing(deal.listing))
        guard deal.status == .awaitingPayment, let contract = deal.contract else {
            throw RegistryError.conflict("deal", "\(id) is \(deal.status.rawValue); there is nothing to sign")
        }
        guard !(deal.signatures ?? []).contains(party) else {
            throw RegistryError.conflict("deal", "the \(party.rawValue) has already signed \(id)'s contract")
        }
        return ContractSigned(deal: id, party: party, contract: contract.sha256)
    }

    /// Payment confirmed: in one transaction, the registry act, the release of mortgages paid from
    /// the proceeds (by rank), the release of every other deposit, and the settlement entry that
    /// the 交易鉴证书 attests.
    func confirmPayment(_ id: DealID, reference: String) async throws -> [any RegistryEvent] {
        let deal = try await reads.deal(id)
        let listing = try await reads.listing(deal.listing)
        try requireRunning(listing)
        guard deal.status == .awaitingPayment else {
            throw RegistryError.conflict("deal", "\(id) is \(deal.status.rawValue)")
        }
        guard deal.isSigned else {
            throw RegistryError.rule("E-7", "both parties sign the contract before the exchange takes the payment")
        }
        guard today <= deal.due else {
            throw RegistryError.rule("E-6", "payment was due by \(deal.due); the deal is to be forfeited")
        }
        // The register's act is decided before the exchange checks the right's encumbrances, so
        // that the check reads what the act's decision read with the right's other documents (on
        // PostgreSQL one round trip, not two); the exchange's refusal still comes first.
        let act: any RegistryEvent
        do {
            act = try await registrar.decide(try Self.registryAct(for: listing, buyer: deal.buyer, price: deal.price))
        } catch {
            try await requireUnblocked(listing)
            throw error
        }
        try await requireUnblocked(listing)
        var events: [any RegistryEvent] = [act]
        let resulting: RightID
        switch act {
        case let registered as RightRegistered: resulting = registered.id
        case let transferred as RightTransferred: resulting = transferred.target
        default: resulting = listing.right
        }
        let payouts = try await Self.payouts(of: deal, listing, act: act, registrar)
        events += payouts.events
        let entry = registrar.nextIndex + UInt64(events.count)
        events.append(
            DealSettled(
                deal: id, listing: listing.id, payment: reference, registryEntry: registrar.nextIndex,
                resultingRight: resulting, refunds: listing.activeIntents.map(\.id).filter { $0 != deal.intent },
                refundsDue: refundsDue(listing), payouts: payouts.payouts,
                attestation: attestation(deal, listing, resulting, registryEntry: registrar.nextIndex, entry: entry)))
        return events
    }

    /// Refuses a settlement of `listing` while its right carries what stops the exchange.
    private func requireUnblocked(_ listing: Listing) async throws {
        guard let (encumbrance, cause) = try await blockingEncumbrance(on: listing.right) else { return }
        throw RegistryError.rule(
            cause.rule,
            "\(listing.right) carries \(encumbrance.kind.rawValue) \(encumbrance.id); the exchange suspends or terminates \(listing.id)"
        )
    }

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

    /// The statement of the 交易鉴证书 (E-8, FLM-25), logged with the settlement. It names the
    /// contract by its hash; the parties appear masked, as on every document the exchange shows
    /// beyond the parties (the full particulars are in the register and on the signed paper).
    func attestation(_ deal: Deal, _ listing: Listing, _ resulting: RightID, registryEntry: UInt64, entry: UInt64)
        -> JSONValue
    {
        let name = listing.procedure.exchangeName
        var statement: [String: JSONValue] = [
            "type": "rights-transaction",
            "attestation_no": .string("\(name)鉴证(\(today.year))\(deal.id)号"),
            "exchange": .string(name),
            "deal_id": .string(deal.id.rawValue),
            "listing_id": .string(listing.id.rawValue),
            "listing_kind": .string(listing.kind.rawValue),
            "basis": .string(deal.basis.rawValue),
            "right_id": .string(listing.right.rawValue),
            "resulting_right": .string(resulting.rawValue),
            "seller": .string(deal.seller.masked),
            "buyer": .string(deal.buyer.masked),
            "price_fen": .number(Double(deal.price.value)),
            "deposit_applied_fen": .number(Double(deal.deposit?.value ?? 0)),
            "settled_on": .string(today.description),
            "registry_entry": .number(Double(registryEntry)),
            "settlement_entry": .number(Double(entry)),
        ]
        if let contract = deal.contract {
            statement["contract"] = ["title": .string(contract.title), "sha256": .string(contract.sha256)]
        }
        if let lease = listing.lease {
            statement["lease"] = [
                "term": ["start": .string(lease.term.start.description), "end": .string(lease.term.end.description)],
                "use": .string(lease.use), "annual_rent_fen": .number(Double(deal.price.value)),
            ]
        }
        if let shares = listing.shares { statement["shares"] = .number(Double(shares)) }
        return .object(statement)
    }

    /// E-6: the buyer defaulted for its own reason: its deposit is kept and the listing falls to
    /// the next successor, or fails (every other deposit released). Nothing on the seller's side
    /// is the buyer's default: while the right is seized, disputed or promised, or has changed,
    /// the exchange suspends or terminates instead, and no deposit is kept.
    func forfeit(_ id: DealID, reason: ForfeitReason) async throws -> DealForfeited {
        let deal = try await reads.deal(id)
        let listing = try await reads.listing(deal.listing)
        try requireRunning(listing)
        guard deal.status == .awaitingPayment else {
            throw RegistryError.conflict("deal", "\(id) is \(deal.status.rawValue)")
        }
        switch reason {
        case .didNotPay:
            guard today > deal.due else { throw RegistryError.rule("E-6", "the buyer may pay until \(deal.due)") }
        case .didNotSign:
            guard today > deal.due, !(deal.signatures ?? []).contains(.transferee) else {
                throw RegistryError.rule(
                    "E-7", "the buyer has signed, or may still sign until \(deal.due)", field: "reason")
            }
        case .withdrew, .fraud:
            break
        }
        if let (encumbrance, cause) = try await blockingEncumbrance(on: listing.right) {
            throw RegistryError.rule(
                cause.rule,
                "\(listing.right) carries \(encumbrance.kind.rawValue) \(encumbrance.id): the buyer is not at fault; suspend or terminate \(listing.id)"
            )
        }
        let procedure = listing.procedure
        let disposition = ForfeitDisposition(deposit: deal.deposit ?? .zero, feePercent: procedure.forfeitFeePercent)
        var successors = listing.successors.filter {
            $0.intent != deal.intent && listing.intent($0.intent)?.depositStatus == .held
        }
        guard !successors.isEmpty, let intent = listing.intent(successors.removeFirst().intent) else {
            return DealForfeited(
                deal: id, listing: listing.id, intent: deal.intent, reason: reason, disposition: disposition,
                next: nil, successors: [],
                refunds: listing.activeIntents.map(\.id).filter { $0 != deal.intent }, refundsDue: refundsDue(listing))
        }
        let successor = listing.successors.first { $0.intent == intent.id }
        let next = try await makeDeal(
            listing, intent, successor?.price ?? deal.price, successor?.basis ?? deal.basis)
        return DealForfeited(
            deal: id, listing: listing.id, intent: deal.intent, reason: reason, disposition: disposition, next: next,
            successors: successors, refunds: [], refundsDue: nil)
    }
}
