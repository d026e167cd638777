extension Registrar {
    /// 首次登记 of any kind of right.
    func register(_ application: RightApplication) async throws -> any RegistryEvent {
        switch application.subject {
        case .contractLand(let contract, let parcels):
            return try await registerContractLand(contract, parcels: parcels, application: application)
        case .homestead(let household, let unit, let homestead):
            return try await registerHomestead(unit, of: household, homestead, origin: application.origin)
        case .collectiveShare(let collective, let holder, let holding):
            return try await registerShares(holding, in: collective, for: holder, origin: application.origin)
        case .landManagement(
            let parent, let holder, let parcels, let method, let use, let filing, let consents, let rent):
            guard let term = application.term else { throw RegistryError.invalid("term", "a 土地经营权 needs its term") }
            return try await registerLandManagement(
                from: parent, to: holder, term: term, parcels: parcels, method: method, use: use, filing: filing,
                consents: consents, rent: rent)
        }
    }

    /// The last day of the public notice for an application made today (实施细则 art. 17), or
    /// none for imported 确权 data, which was published when it was confirmed.
    func noticeEnds(for origin: RightOrigin) -> Day? {
        origin == .imported ? nil : policy.calendar.adding(workingDays: policy.publicNoticeWorkingDays, to: today)
    }

    func registerContractLand(_ contract: ContractCode, parcels: [Parcel], application: RightApplication)
        async throws -> any RegistryEvent
    {
        let household = try await household(contract.household)
        // L-10: a household that surrendered its contract land asks for none during the term.
        if let barred = household.contractLandBarredUntil, today <= barred {
            throw RegistryError.rule(
                "L-10", "household \(contract.household) surrendered its contract land and is barred until \(barred)")
        }
        guard try await reads.right(.contractLand(contract)) == nil else {
            throw RegistryError.conflict("right", "contract \(contract) is already registered")
        }
        guard let term = application.term else { throw RegistryError.invalid("term", "contract land needs its term") }
        try Rules.checkParcels(parcels, of: contract.household)
        for parcel in parcels {
            if let claim = try await reads.claim(on: parcel.code) {
                throw RegistryError.conflict("parcel", "parcel \(parcel.code) is already registered in \(claim.right)")
            }
        }
        try Rules.checkContractTerm(term, parcels: parcels)
        return RightRegistered.contractLand(
            contract, term: term, parcels: parcels, origin: application.origin,
            noticeEnds: noticeEnds(for: application.origin))
    }

    func registerHomestead(_ unit: UnitCode, of code: HouseholdCode, _ homestead: Homestead, origin: RightOrigin)
        async throws -> any RegistryEvent
    {
        let household = try await household(code)
        guard try await reads.right(.homestead(unit)) == nil else {
            throw RegistryError.conflict("right", "unit \(unit) is already registered")
        }
        try Rules.checkHomesteadUnit(unit, of: code)
        // T-3 一户一宅.
        let existing = try await reads.rights(
            RightQuery(holder: .household(code), kind: .homestead, status: .live(on: today), limit: 1))
        if let other = existing.first {
            throw RegistryError.rule(
                "T-3", "household \(code) already holds homestead \(other.id): one household, one homestead")
        }
        let homestead = try Rules.applyAreaStandard(homestead, policy: policy, origin: origin)
        // T-6 binds approvals of new homesteads, not the confirmation of existing ones.
        // H-9: a household that gave up its 资格权 with its homestead gets no new one.
        if origin != .imported, let givenUp = household.homesteadEligibilityGivenUp {
            throw RegistryError.rule(
                "H-9", "household \(code) gave up its homestead eligibility (资格权) on \(givenUp)")
        }
        if origin != .imported, let disposal = household.disposedDwelling {
            throw RegistryError.rule(
                "T-6",
                "household \(code) disposed of its dwelling (\(disposal.how), \(disposal.on)) and is not approved for a new homestead"
            )
        }
        return RightRegistered.homestead(unit, of: code, homestead, origin: origin, noticeEnds: noticeEnds(for: origin))
    }

    func registerShares(_ holding: ShareHolding, in code: CollectiveCode, for holder: Holder, origin: RightOrigin)
        async throws -> any RegistryEvent
    {
        let collective = try await collective(code)
        try Rules.checkHolding(holding)
        try await requireShareHolderAllowed(holder, in: collective, field: "holder")
        try await requireWithinHoldingCap(holder, adding: holding.shares, in: collective)
        return RightRegistered.shares(holding, in: code, for: holder, origin: origin, entry: nextIndex)
    }

    /// S-14: shares are quantified to members; non-members hold them only where the charter says
    /// so (临安, rule book §3.3).
    func requireShareHolderAllowed(_ holder: Holder, in collective: Collective, field: String) async throws {
        guard try await isMember(holder, of: collective.code) || collective.charter.nonMemberHolders else {
            throw RegistryError.rule(
                "S-14",
                "\(holder.masked) is not a member of \(collective.code) and its charter admits no other holders",
                field: field)
        }
        try await requireKnown(holder, field: field)
    }

    /// The charter's cap on one holder's shares (rule book §3.2, §3.4).
    func requireWithinHoldingCap(_ holder: Holder, adding shares: Int, in collective: Collective) async throws {
        guard let cap = collective.charter.holdingCap else { return }
        let held = try await reads.rights(
            RightQuery(holder: holder, kind: .collectiveShare, status: .current(on: today), collective: collective.code)
        ).reduce(0) { total, right in
            if case .collectiveShare(let holding) = right.detail { return total + holding.shares }
            return total
        }
        guard held + shares <= cap else {
            throw RegistryError.rule(
                "S-CAP",
                "holder would hold \(held + shares) shares; the charter of \(collective.code) caps a holding at \(cap)",
                field: "shares")
        }
    }

    /// 土地经营权 from a contract-land right (流转, L-16/L-17/L-20) or from another 土地经营权
    /// (再流转, L-23).
    func registerLandManagement(
        from parentID: RightID, to holder: Holder, term: Term, parcels requested: [ParcelCode]?, method: TransferMethod,
        use: String?, filing: Filing?, consents: [Consent], rent: Rent? = nil
    ) async throws -> any RegistryEvent {
        let parent = try await right(parentID)
        guard parent.status(on: today) == .current else {
            throw RegistryError.conflict("right", "\(parentID) is \(parent.status(on: today).rawValue), not current")
        }
        let root: Right
        switch parent.detail {
        case .contractLand: root = parent
        case .landManagement(let lease): root = try await right(lease.contractRight)
        case .homestead, .collectiveShare:
            throw RegistryError.invalid("parent", "a 土地经营权 is carved out of contract land or another 土地经营权")
        }
        let (encumbrances, siblings) = try await reads.encumbrancesAndLeases(of: parentID, liveOn: today)
        try requireDisposable(parent, to: holder, encumbrances: encumbrances)
        guard holder != parent.holder else {
            throw RegistryError.invalid("holder", "the holder of \(parentID) cannot take a 土地经营权 from itself")
        }
        try await requireKnown(holder, field: "holder")
        // L-17(3): the term may not outlast what remains of the parent's term.
        if let parentTerm = parent.term, term.end > parentTerm.end {
            throw RegistryError.rule(
                "L-17", "term ends \(term.end), after the remaining term of \(parentID) (ends \(parentTerm.end))",
                field: "term.end")
        }
        // L-20: a 土地经营权 of five years or more is registrable; a shorter 流转 is lawful and is
        // filed with the 发包方 (L-16) — recorded, without a certificate.
        let filedOnly = term.end < term.start.adding(years: policy.minimumRegistrableLeaseYears).adding(days: -1)
        let available: [ParcelCode]
        switch parent.detail {
        case .contractLand(let land): available = land.parcels.map(\.code)
        case .landManagement(let lease): available = lease.parcels
        default: available = []
        }
        let parcels = requested ?? available
        guard !parcels.isEmpty, Set(parcels).isSubset(of: available) else {
            throw RegistryError.invalid("parcels", "parcels must be parcels of \(parentID)")
        }
        if parent.kind == .contractLand {
            // L-16: the 承包方 decides and files the 流转 with the 发包方.
            guard let filing, !filing.filedWith.isEmpty else {
                throw RegistryError.rule("L-16", "a 流转 of 土地经营权 must be filed (备案) with the 发包方", field: "filing")
            }
        } else {
            // L-23: 再流转 needs the contract holder's written consent and a filing with the collective.
            guard consents.contains(where: { $0.party == .contractHolder }) else {
                throw RegistryError.rule(
                    "L-23", "再流转 needs the written consent of the contract holder of \(root.id)", field: "consents")
            }
            guard filing != nil else {
                throw RegistryError.rule("L-23", "再流转 must be filed (备案) with the collective", field: "filing")
            }
        }
        // One 土地经营权 per parcel at a time: a parcel already passed on for an overlapping term is taken.
        for sibling in siblings {
            guard case .landManagement(let lease) = sibling.detail, let siblingTerm = sibling.term else { continue }
            let shared = Set(lease.parcels).intersection(parcels)
            if !shared.isEmpty, siblingTerm.start <= term.end, term.start <= siblingTerm.end {
                throw RegistryError.conflict(
                    "parcel",
                    "parcel \(shared.sorted().first!) is already under 土地经营权 \(sibling.id) until \(siblingTerm.end)")
            }
        }
        guard case .contractLand(let rootLand) = root.detail else {
            throw RegistryError(
                code: "integrity.right", message: "\(root.id), at the root of \(parentID), is not contract land")
        }
        let area = rootLand.parcels.filter { parcels.contains($0.code) }.reduce(SquareMetres.zero) { $0 + $1.area }
        return RightRegistered(
            id: .landManagement(parent: parentID, entry: nextIndex), holder: holder, collective: parent.collective,
            term: term,
            detail: .landManagement(
                LandManagement(
                    parent: parentID, contractRight: root.id, parcels: parcels.sorted(), area: area, method: method,
                    use: use, rent: rent.map { Rent(annual: $0.annual, over: term) }, filedOnly: filedOnly)),
            origin: .transfer, noticeEnds: nil, filing: filing, consents: consents.isEmpty ? nil : consents)
    }

    /// 登簿 after the public notice, unless someone objected (R-12: an unresolved dispute).
    func complete(_ id: RightID) async throws -> any RegistryEvent {
        let right = try await right(id)
        guard right.status(on: today) == .announced, let ends = right.noticeEnds else {
            throw RegistryError.conflict(
                "right", "\(id) is \(right.status(on: today).rawValue), not in its public notice")
        }
        guard today > ends else {
            throw RegistryError.rule(
                "IR-17",
                "the public notice of \(id) runs for \(policy.publicNoticeWorkingDays) working days, to \(ends)")
        }
        if let objection = try await activeEncumbrances(on: id).first(where: { $0.kind == .objection }) {
            throw RegistryError.rule(
                "R-12", "objection \(objection.id) by \(objection.holder) is unresolved; ownership is in dispute")
        }
        return RegistrationCompleted(right: id)
    }

    func activeEncumbrances(on id: RightID) async throws -> [Encumbrance] {
        try await reads.encumbrances(on: id).filter { $0.isActive(on: today) }
    }

    /// A right cannot be disposed of while seized, objected to or promised by an advance notice to
    /// someone else (物权编解释（一） art. 15; C-5; C-6).
    func requireDisposable(_ right: Right, to receiver: Holder?) async throws {
        try requireDisposable(right, to: receiver, encumbrances: try await reads.encumbrances(on: right.id))
    }

    /// `requireDisposable` given the right's encumbrances, already read.
    func requireDisposable(_ right: Right, to receiver: Holder?, encumbrances: [Encumbrance]) throws {
        for encumbrance in encumbrances where encumbrance.isActive(on: today) {
            switch encumbrance.kind {
            case .seizure:
                throw RegistryError.rule(
                    "SPC-15", "\(right.id) is seized (查封) by \(encumbrance.holder), case \(encumbrance.reference)")
            case .objection:
                throw RegistryError.rule(
                    "C-5",
                    "an objection (异议) by \(encumbrance.holder) against \(right.id) runs until \(encumbrance.lapsesAfter.map(String.init(describing:)) ?? "its release")"
                )
            case .advanceNotice where encumbrance.beneficiary != receiver:
                throw RegistryError.rule(
                    "C-6",
                    "\(right.id) is promised by advance notice \(encumbrance.id) until \(encumbrance.lapsesAfter.map(String.init(describing:)) ?? "its release"); a disposal to anyone else has no effect"
                )
            case .advanceNotice, .mortgage:
                continue
            }
        }
    }
}
