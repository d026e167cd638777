extension Registrar {
    /// 抵押 of a right to a bank (质押 for shares). What may be mortgaged and with whose consent:
    /// C-10 (never a seized or disputed right; a homestead only where a pilot allows it, H-10),
    /// C-11 (a written contract with amount and term), L-21 (经营权 financing is reported to the
    /// 发包方; a transferee needs the contract holder's written consent), H-11 (农房 pilots).
    ///
    /// Registration is a joint application (R-6, 不动产登记暂行条例 art. 14): the bank's request
    /// alone is a pending application that takes effect only when the mortgagor's side — its
    /// application and, for a household's right, every co-holder's consent — is on record.
    func mortgage(_ right: Right, _ application: MortgageApplication) async throws -> any RegistryEvent {
        try await requireMortgageable(right)
        _ = try required(application.mortgagee, "mortgagee")
        _ = try required(application.contract, "contract")
        guard application.amount > .zero else {
            throw RegistryError.rule("C-11", "the contract states the secured amount", field: "amount_fen")
        }
        try await requireConsents(for: right, application)
        let scope = try await scope(of: application, on: right)
        let registered: Bool
        if let mortgagor = application.mortgagor {
            try await requireMortgagor(mortgagor, for: right)
            registered = true
        } else {
            registered = false
        }
        // C-12: rank follows the order of registration, which is the log's order.
        return EncumbranceRegistered(
            right: right.id, encumbrance: .mortgage, holder: application.mortgagee, reference: application.contract,
            lapsesAfter: lapse(registered ? nil : today.adding(days: Self.pendingMortgageDays), on: right),
            amount: application.amount, term: application.term, pending: registered ? nil : true,
            mortgagor: registered ? nil : right.holder, parcels: scope.parcels, shares: scope.shares)
    }

    /// The mortgagor completes the bank's pending application: the mortgage is registered now and
    /// ranks from now (C-12). The right must still be the one the bank applied on — same holder,
    /// the parcels still in it — and still mortgageable.
    func joinMortgage(_ right: Right, _ id: EncumbranceID, _ mortgagor: MortgagorApplication) async throws
        -> any RegistryEvent
    {
        guard let mortgage = try await reads.encumbrance(id), mortgage.right == right.id, mortgage.kind == .mortgage
        else { throw RegistryError.notFound("mortgage", id.rawValue) }
        guard mortgage.status(on: today) == .pending else {
            throw RegistryError.conflict(
                "mortgage", "\(id) is \(mortgage.status(on: today).rawValue), not awaiting the mortgagor")
        }
        guard mortgage.mortgagor == right.holder else {
            throw RegistryError.conflict(
                "mortgage", "\(right.id) changed hands since \(mortgage.holder) applied; the bank applies again")
        }
        if let parcels = mortgage.parcels, case .contractLand(let land) = right.detail,
            !Set(parcels).isSubset(of: land.parcels.map(\.code))
        {
            throw RegistryError.conflict(
                "mortgage", "parcels of \(id) have left \(right.id) since the bank applied; the bank applies again")
        }
        if case .collectiveShare(let holding) = right.detail {
            let pledged = try await activeEncumbrances(on: right.id).filter { $0.kind == .mortgage }
                .reduce(0) { $0 + ($1.shares ?? holding.shares) }
            guard pledged + (mortgage.shares ?? holding.shares) <= holding.shares else {
                throw RegistryError.conflict(
                    "mortgage",
                    "\(right.id) holds \(holding.shares) shares, \(pledged) pledged since \(mortgage.holder) applied for \(mortgage.shares ?? holding.shares); the bank applies again"
                )
            }
        }
        try await requireMortgageable(right)
        try await requireMortgagor(mortgagor, for: right)
        return MortgageJoined(
            mortgage: id, right: right.id, application: mortgagor.application, consents: mortgagor.consents,
            lapsesAfter: lapse(nil, on: right))
    }

    /// C-10: a right in force, neither seized nor disputed.
    func requireMortgageable(_ right: Right) async throws {
        try requireCurrent(right)
        for encumbrance in try await activeEncumbrances(on: right.id) {
            switch encumbrance.kind {
            case .seizure:
                throw RegistryError.rule(
                    "C-10", "\(right.id) is seized (查封) by \(encumbrance.holder) and cannot be mortgaged")
            case .objection:
                throw RegistryError.rule(
                    "C-10", "\(right.id) is disputed (异议 by \(encumbrance.holder)) and cannot be mortgaged")
            case .mortgage, .advanceNotice: break
            }
        }
    }

    /// The consents and filings each kind of collateral needs (L-21, S-16, H-10, H-11).
    func requireConsents(for right: Right, _ application: MortgageApplication) async throws {
        let consents = application.consents + (application.mortgagor?.consents ?? [])
        func requireConsent(_ party: ConsentParty, _ rule: String, _ what: String) throws {
            guard consents.contains(where: { $0.party == party }) else {
                throw RegistryError.rule(rule, what, field: "consents")
            }
        }
        switch right.detail {
        case .contractLand:
            guard application.filing != nil else {
                throw RegistryError.rule(
                    "L-21", "financing with a 土地经营权 is reported (备案) to the 发包方", field: "filing")
            }
        case .landManagement(let lease):
            try requireConsent(
                .contractHolder, "L-21",
                "a transferee mortgages its 土地经营权 only with the written consent of the holder of \(lease.contractRight)"
            )
            guard application.filing != nil else {
                throw RegistryError.rule(
                    "L-21", "financing with a 土地经营权 is reported (备案) to the 发包方", field: "filing")
            }
        case .collectiveShare:
            try requireConsent(
                .collective, "S-16", "a pledge of collective shares needs the collective's written consent")
        case .homestead:
            guard policy.isHomesteadMortgagePilot(right.region) else {
                throw RegistryError.rule(
                    "C-10",
                    "a homestead is mortgaged only in a 农房 mortgage pilot region (H-10); \(right.region) is not one")
            }
            try requireConsent(
                .collective, "H-11", "the collective consents in writing that the homestead goes with the house")
            if case .household(let code) = right.holder, try await !household(code).members.isEmpty {
                try requireConsent(.coHolders, "H-11", "the house's joint owners consent in writing")
            }
            guard let residence = application.otherResidence, !residence.isEmpty else {
                throw RegistryError.rule(
                    "H-11", "the borrower proves another long-term residence besides the mortgaged house",
                    field: "other_residence")
            }
        }
    }

    /// What the mortgage burdens: the parcels of contract land (all unless named), or the number
    /// of shares pledged (the holding unless named), which with earlier pledges may not exceed it.
    func scope(of application: MortgageApplication, on right: Right) async throws -> (
        parcels: [ParcelCode]?, shares: Int?
    ) {
        switch right.detail {
        case .contractLand(let land):
            let held = land.parcels.map(\.code)
            let parcels = application.parcels ?? held
            guard !parcels.isEmpty, Set(parcels).isSubset(of: held), Set(parcels).count == parcels.count else {
                throw RegistryError.invalid("parcels", "parcels must be parcels of \(right.id), each once")
            }
            return (parcels.sorted(), nil)
        case .collectiveShare(let holding):
            let shares = application.shares ?? holding.shares
            let pledged = try await activeEncumbrances(on: right.id).filter { $0.kind == .mortgage }
                .reduce(0) { $0 + ($1.shares ?? holding.shares) }
            guard shares >= 1, pledged + shares <= holding.shares else {
                throw RegistryError.invalid(
                    "shares", "\(right.id) holds \(holding.shares) shares, \(pledged) of them pledged already")
            }
            return (nil, shares)
        case .homestead, .landManagement:
            guard application.parcels == nil, application.shares == nil else {
                throw RegistryError.invalid("parcels", "a \(right.kind.rawValue) right is mortgaged whole")
            }
            return (nil, nil)
        }
    }

    /// the mortgagor's side of the joint application — its application, and for a
    /// household's right the written consent of every co-holder (all members hold it, L-3, L-7).
    func requireMortgagor(_ mortgagor: MortgagorApplication, for right: Right) async throws {
        _ = try required(mortgagor.application, "mortgagor.application")
        if case .household(let code) = right.holder, try await !household(code).members.isEmpty,
            !mortgagor.consents.contains(where: { $0.party == .coHolders })
        {
            throw RegistryError.rule(
                "R-6", "every co-holder of household \(code) consents in writing to the mortgage",
                field: "mortgagor.consents")
        }
    }

    /// Only the mortgagee discharges its mortgage; who asks is checked before anything about the
    /// mortgage's state is said.
    func releaseMortgage(of right: Right, _ id: EncumbranceID, by party: String) async throws -> any RegistryEvent {
        guard let mortgage = try await reads.encumbrance(id), mortgage.right == right.id, mortgage.kind == .mortgage
        else { throw RegistryError.notFound("mortgage", id.rawValue) }
        guard mortgage.holder == party else {
            throw RegistryError(code: "auth.mortgagee", message: "\(id) is held by another mortgagee")
        }
        guard [.active, .pending].contains(mortgage.status(on: today)) else {
            throw RegistryError.conflict("mortgage", "\(id) is \(mortgage.status(on: today).rawValue)")
        }
        return EncumbranceReleased(encumbrance: id, right: right.id, by: party)
    }

    /// L-22: the contract holder ends a 土地经营权 early only if the transferee changed the land's
    /// agricultural use, left it idle two years or more, seriously damaged it, or seriously broke
    /// the contract.
    func terminate(_ right: Right, _ termination: LeaseTermination) async throws -> any RegistryEvent {
        try requireCurrent(right)
        guard case .landManagement(let lease) = right.detail else {
            throw RegistryError.invalid("kind", "only a 土地经营权 is terminated; \(right.id) is \(right.kind.rawValue)")
        }
        let contract = try await self.right(lease.contractRight)
        guard termination.by == contract.holder else {
            throw RegistryError.rule(
                "L-22", "only the contract holder of \(lease.contractRight) ends its 土地经营权 early", field: "by")
        }
        _ = try required(termination.document, "document")
        let live = try await reads.rights(RightQuery(status: .live(on: today), parent: right.id, limit: 1))
        if let child = live.first {
            throw RegistryError.conflict("right", "土地经营权 \(child.id) carved out of \(right.id) is still in force")
        }
        for encumbrance in try await activeEncumbrances(on: right.id) {
            throw RegistryError.conflict(
                encumbrance.kind == .mortgage ? "mortgage" : "encumbrance",
                "\(right.id) is burdened by \(encumbrance.kind.rawValue) \(encumbrance.id) (\(encumbrance.holder)); it ends first"
            )
        }
        return RightTerminated(right: right.id, ground: termination.ground, document: termination.document)
    }
}
