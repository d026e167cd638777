import Foundation

extension Registrar {
    func perform(_ act: RightAct, on id: RightID) async throws -> any RegistryEvent {
        let right = try await right(id)
        guard right.status(on: today) != .cancelled else {
            throw RegistryError.conflict("right", "\(id) is cancelled; the register allows no further act on it")
        }
        switch act {
        case .transfer(let transfer): return try await self.transfer(right, transfer)
        case .change(let term, let detail, let reason):
            return try await change(right, term: term, detail: detail, reason: reason)
        case .cancellation(let cancellation): return try await cancel(right, cancellation)
        case .correction(let term, let detail, let basis, let document):
            return try await correct(right, term: term, detail: detail, basis: basis, document: document)
        case .objection(let applicant, let grounds): return try await object(to: right, applicant, grounds)
        case .objectionSuit(let objection, let suit): return try await fileSuit(on: right, objection, suit)
        case .objectionWithdrawal(let objection, let applicant):
            return try await withdrawObjection(on: right, objection, by: applicant)
        case .objectionRuling(let objection, let court, let document):
            return try await decideObjection(on: right, objection, court: court, document: document)
        case .advanceNotice(let beneficiary, let reference):
            try requireCurrent(right)
            try await requireKnown(beneficiary, field: "beneficiary")
            // C-6: the notice secures a claim to acquire the right; its holder has it already.
            guard beneficiary != right.holder else {
                throw RegistryError.rule(
                    "C-6", "an advance notice is for someone who will acquire the right, not its holder",
                    field: "beneficiary")
            }
            // C-6: an advance notice lapses after 90 days (and with the right's term).
            return EncumbranceRegistered(
                right: id, encumbrance: .advanceNotice, holder: beneficiary.rawValue,
                reference: try required(reference, "reference"),
                lapsesAfter: lapse(today.adding(days: policy.advanceNoticeDays), on: right),
                beneficiary: beneficiary)
        case .seizure(let court, let caseNumber):
            // 轮候查封: a later court's seizure is registered too and takes effect in order. A
            // seizure of a term right ends with the term: nothing is left to seize.
            return EncumbranceRegistered(
                right: id, encumbrance: .seizure, holder: try required(court, "court"),
                reference: try required(caseNumber, "case_number"), lapsesAfter: lapse(nil, on: right))
        case .seizureRelease(let court, let seizureID):
            return try await releaseSeizure(of: right, by: court, seizureID: seizureID)
        case .filing(let filing):
            _ = try required(filing.matter, "filing.matter")
            _ = try required(filing.filedWith, "filing.filed_with")
            return RightFiled(right: id, filing: filing)
        case .mortgage(let application): return try await mortgage(right, application)
        case .mortgageJoin(let mortgage, let mortgagor): return try await joinMortgage(right, mortgage, mortgagor)
        case .mortgageRelease(let mortgage, let party): return try await releaseMortgage(of: right, mortgage, by: party)
        case .termination(let termination): return try await terminate(right, termination)
        case .surrender(let surrender): return try await self.surrender(right, surrender)
        case .swap(let swap): return try await self.swap(right, swap)
        case .inheritance(let inheritance): return try await inherit(right, inheritance)
        }
    }

    func required(_ text: String, _ field: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw RegistryError.invalid(field, "required") }
        return trimmed
    }

    func requireCurrent(_ right: Right) throws {
        guard right.status(on: today) == .current else {
            throw RegistryError.conflict("right", "\(right.id) is \(right.status(on: today).rawValue), not current")
        }
    }

    /// When an encumbrance on `right` lapses without any act: at `natural` (the period the law
    /// gives it, if any), and never after the term of a term right — what it burdens ends then.
    func lapse(_ natural: Day?, on right: Right) -> Day? {
        guard right.kind.endsWithTerm, let end = right.term?.end else { return natural }
        return natural.map { min($0, end) } ?? end
    }

    // MARK: Transfer (转移登记)

    func transfer(_ right: Right, _ transfer: Transfer) async throws -> any RegistryEvent {
        try requireCurrent(right)
        try await requireDisposable(right, to: transfer.to)
        guard transfer.to != right.holder else {
            throw RegistryError.invalid("to", "\(right.id) is already held by \(transfer.to.masked)")
        }
        switch right.detail {
        case .contractLand(let land): return try await transferContractLand(right, land, transfer)
        case .homestead: return try await transferHomestead(right, transfer)
        case .collectiveShare(let holding): return try await transferShares(right, holding, transfer)
        case .landManagement(let lease): return try await reassignLandManagement(right, lease, transfer)
        }
    }

    /// L-14: contract land passes only to another household of the same collective, with the
    /// 发包方's written consent; the parcels join that household's contract.
    func transferContractLand(_ right: Right, _ land: ContractLand, _ transfer: Transfer) async throws
        -> any RegistryEvent
    {
        guard case .household(let receiver) = transfer.to else {
            throw RegistryError.rule("L-14", "contract land passes only to a household", field: "to")
        }
        let household = try await household(receiver)
        guard household.collective == right.collective else {
            throw RegistryError.rule(
                "L-14", "household \(receiver) is in collective \(household.collective), not \(right.collective)",
                field: "to")
        }
        if let barred = household.contractLandBarredUntil, today <= barred {
            throw RegistryError.rule(
                "L-10", "household \(receiver) surrendered its contract land and takes none until \(barred)",
                field: "to")
        }
        guard transfer.consents.contains(where: { $0.party == .contractingParty }) else {
            throw RegistryError.rule(
                "L-14", "transfer of contract land needs the 发包方's written consent", field: "consents")
        }
        let held = land.parcels.map(\.code)
        let parcels = transfer.parcels ?? held
        guard !parcels.isEmpty, Set(parcels).isSubset(of: held) else {
            throw RegistryError.invalid("parcels", "parcels must be parcels of \(right.id)")
        }
        let target = RightID.contractLand(ContractCode(household: receiver))
        // L-14: the receiving household enters a contract with the 发包方 for what it receives. If
        // its earlier contract was cancelled, this is a new contract for exactly these parcels —
        // never a revival of what the cancelled one held.
        let existing = try await reads.right(target)
        let reopens = existing?.status(on: today) == .cancelled
        if let existing, !reopens {
            guard existing.status(on: today) != .expired else {
                throw RegistryError.rule(
                    "L-4",
                    "household \(receiver)'s contract ended on \(existing.term.map { String(describing: $0.end) } ?? "-"); it is extended (延包) before it takes more land",
                    field: "to")
            }
            guard existing.term == right.term else {
                throw RegistryError.invalid(
                    "to",
                    "household \(receiver)'s contract runs \(existing.term.map(String.init(describing:)) ?? "-"), not \(right.term.map(String.init(describing:)) ?? "-"); the parcels cannot join it"
                )
            }
        }
        // What burdens the parcels goes with them: mortgages (民法典 406), leases (民法典 725).
        let carriage = try await carriage(ofParcels: Set(parcels), from: right, to: target, receiver: transfer.to)
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: target, parcels: parcels.sorted(),
            consents: transfer.consents, carried: carriage, reopens: reopens)
    }

    /// A homestead passes only to a member household of the same collective (H-5), which has no
    /// homestead (T-3) and has not disposed of a dwelling before (T-6); pilots may widen this (H-12).
    func transferHomestead(_ right: Right, _ transfer: Transfer) async throws -> any RegistryEvent {
        let pilot = policy.isHomesteadTransferPilot(right.region)
        if case .household(let receiver) = transfer.to {
            let household = try await household(receiver)
            guard pilot || household.collective == right.collective else {
                throw RegistryError.rule(
                    "H-5", "a homestead passes only to a member household of \(right.collective)", field: "to")
            }
            let held = try await reads.rights(
                RightQuery(holder: transfer.to, kind: .homestead, status: .live(on: today), limit: 1))
            if let other = held.first {
                throw RegistryError.rule(
                    "T-3", "household \(receiver) already holds homestead \(other.id)", field: "to")
            }
            if let givenUp = household.homesteadEligibilityGivenUp {
                throw RegistryError.rule(
                    "H-9", "household \(receiver) gave up its homestead eligibility (资格权) on \(givenUp)", field: "to")
            }
            if let disposal = household.disposedDwelling {
                throw RegistryError.rule(
                    "T-6",
                    "household \(receiver) disposed of its dwelling (\(disposal.how), \(disposal.on)) and is not approved for another",
                    field: "to")
            }
        } else {
            guard pilot else {
                throw RegistryError.rule(
                    "H-5", "outside a pilot region a homestead passes only to a member household", field: "to")
            }
            try await requireKnown(transfer.to, field: "to")
        }
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: right.id, consents: transfer.consents,
            disposal: transfer.disposal ?? "sale",
            carried: Carriage(fulfilled: try await fulfilments(of: right, by: transfer.to)))
    }

    /// Shares pass within the collective unless its charter admits others (S-14, §3.2), and a
    /// holding may not exceed the charter's cap.
    func transferShares(_ right: Right, _ holding: ShareHolding, _ transfer: Transfer) async throws -> any RegistryEvent
    {
        let collective = try await collective(right.collective)
        let shares = transfer.shares ?? holding.shares
        guard (1...holding.shares).contains(shares) else {
            throw RegistryError.invalid("shares", "must be 1–\(holding.shares), the shares held in \(right.id)")
        }
        try await requireShareHolderAllowed(transfer.to, in: collective, field: "to")
        try await requireWithinHoldingCap(transfer.to, adding: shares, in: collective)
        let receiving = try await reads.rights(
            RightQuery(
                holder: transfer.to, kind: .collectiveShare, status: .current(on: today), collective: right.collective)
        ).first { receiving in
            if case .collectiveShare(let existing) = receiving.detail {
                return existing.shareClass == holding.shareClass
            }
            return false
        }
        let target =
            receiving?.id
            ?? (shares == holding.shares ? right.id : .share(collective: right.collective, entry: nextIndex))
        let carriage = try await pledgeCarriage(of: right, holding, passing: shares, to: target, transfer)
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: target, shares: shares,
            consents: transfer.consents, carried: carriage)
    }

    /// C-14 (民法典 443): pledged shares pass only if pledgor and pledgee agree, and the pledge
    /// follows them. Unpledged shares of a holding pass freely; pledged ones only as the whole
    /// holding, with every pledgee's written consent, each pledge then burdening the same number
    /// of shares in the receiver's holding.
    func pledgeCarriage(
        of right: Right, _ holding: ShareHolding, passing shares: Int, to target: RightID, _ transfer: Transfer
    ) async throws -> Carriage {
        let pledges = try await activeEncumbrances(on: right.id).filter { $0.kind == .mortgage }
        let pledged = min(holding.shares, pledges.reduce(0) { $0 + ($1.shares ?? holding.shares) })
        var carriage = Carriage(
            fulfilled: shares == holding.shares ? try await fulfilments(of: right, by: transfer.to) : [])
        guard shares > holding.shares - pledged else { return carriage }
        guard shares == holding.shares else {
            throw RegistryError.rule(
                "C-14",
                "\(pledged) of the \(holding.shares) shares in \(right.id) are pledged; \(holding.shares - pledged) may pass alone, the pledged ones only with the whole holding",
                field: "shares")
        }
        // An enforced sale (民法典 436) needs no pledgee's consent: the pledges end with it.
        for pledge in pledges
        where transfer.disposal != "foreclosure"
            && !transfer.consents.contains(where: { $0.party == .mortgagee && $0.by == pledge.holder })
        {
            throw RegistryError.rule(
                "C-14", "pledged shares pass only with the written consent of the pledgee \(pledge.holder)",
                field: "consents")
        }
        if target != right.id {
            carriage.encumbrances = pledges.map {
                CarriedEncumbrance(id: $0.id, holder: $0.holder, shares: $0.shares ?? holding.shares)
            }
        }
        return carriage
    }

    /// 再流转 of a whole 土地经营权 to a new holder: the contract holder's written consent and a
    /// filing with the collective (L-23).
    func reassignLandManagement(_ right: Right, _ lease: LandManagement, _ transfer: Transfer) async throws
        -> any RegistryEvent
    {
        guard transfer.consents.contains(where: { $0.party == .contractHolder }) else {
            throw RegistryError.rule(
                "L-23", "再流转 needs the written consent of the contract holder of \(lease.contractRight)",
                field: "consents")
        }
        guard let filing = transfer.filing, !filing.filedWith.isEmpty else {
            throw RegistryError.rule("L-23", "再流转 must be filed (备案) with the collective", field: "filing")
        }
        try await requireKnown(transfer.to, field: "to")
        return RightTransferred(
            right: right.id, from: right.holder, to: transfer.to, target: right.id, consents: transfer.consents,
            filing: filing, carried: Carriage(fulfilled: try await fulfilments(of: right, by: transfer.to)))
    }

}
